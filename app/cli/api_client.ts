import { CliError, EXIT } from './cli_error.js'

const STATUS_EXIT: Record<number, number> = {
  400: EXIT.invalid,
  401: EXIT.auth,
  403: EXIT.forbidden,
  404: EXIT.notFound,
  422: EXIT.invalid,
}

/** The platform's /api/v1 over fetch; a non-2xx answer becomes a CliError with the server's message. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token?: string
  ) {}

  async request<T = any>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { body?: unknown; query?: Record<string, unknown> } = {}
  ): Promise<T> {
    const url = new URL(path, this.baseUrl)
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value))
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: {
          'Accept': 'application/json',
          'User-Agent': 'gudbro-cli',
          ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      })
    } catch (error) {
      throw new CliError(
        `Cannot reach ${this.baseUrl}: ${(error as Error).cause ?? (error as Error).message}`,
        EXIT.unreachable
      )
    }
    const text = await response.text()
    let body: any = null
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // Not JSON (a proxy's error page): reported below with the status.
    }
    if (!response.ok) {
      const errors: Array<{ code?: string; message: string; field?: string }> = body?.errors ?? []
      const detail = errors.length
        ? errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ')
        : response.statusText
      // The second factor's errors say what to do themselves.
      const secondFactor = errors.some((e) => e.code?.startsWith('E_SECOND_FACTOR'))
      const hint = secondFactor
        ? ''
        : response.status === 401
          ? ' (run "gudbro login" again)'
          : response.status === 403
            ? ' (this needs the platform support role)'
            : ''
      throw new CliError(
        `${method} ${url.pathname} failed with ${response.status}: ${detail}${hint}`,
        STATUS_EXIT[response.status] ?? EXIT.failure
      )
    }
    return body as T
  }
}
