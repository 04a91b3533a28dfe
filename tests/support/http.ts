import type { ApiClient, ApiResponse } from '@japa/api-client'

/** Sends a Japa request (or awaits one already sent), asserts its status and returns the response. */
export async function expectStatus(request: PromiseLike<ApiResponse>, status: number) {
  const response = await request
  response.assertStatus(status)
  return response
}

/** fetch, then the JSON body (whatever the status: the caller asserts what it expects). */
export async function fetchJson<T = any>(url: string | URL, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init)
  return (await response.json()) as T
}

/** The Prometheus text the app serves at /metrics (a loopback scrape needs no token). */
export async function scrapeMetrics(client: ApiClient) {
  const response = await client.get('/metrics')
  return response.text()
}
