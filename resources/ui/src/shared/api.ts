/** The API speaks snake_case JSON and answers errors as { errors: [{ code, message, field? }] }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

export type ApiOptions = { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> }

export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  if (response.status === 204) return undefined as T
  const payload = await response.json().catch(() => null)
  if (!response.ok) {
    const first = payload?.errors?.[0]
    throw new ApiError(response.status, first?.code ?? 'E_HTTP', first?.message ?? `Request failed (${response.status})`)
  }
  return payload as T
}

export function money(minor: number, currency = 'EUR') {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100)
}

/** The merchant's time zone, once known: pickup times are the shop's clock, not the phone's. */
let shopTimeZone: string | undefined
export function setShopTimeZone(zone: string | undefined) {
  shopTimeZone = zone
}

export function time(iso: string | null | undefined) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone: shopTimeZone }) : ''
}

/** Today's date (YYYY-MM-DD) on the shop's clock: the orders API keys business days by it. */
export function shopToday() {
  return new Date().toLocaleDateString('en-CA', { timeZone: shopTimeZone })
}

export function weekday(iso: string) {
  return new Date(iso).toLocaleDateString([], { weekday: 'short', timeZone: shopTimeZone })
}
