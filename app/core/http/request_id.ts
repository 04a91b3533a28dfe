import { randomUUID } from 'node:crypto'

const SANE = /^[\w.:-]{8,128}$/

/**
 * The request id: an incoming X-Request-Id when it looks sane (so callers can trace across
 * services), else a random UUID. One rule for the full stack and the public menu's edge path.
 */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE.test(incoming) ? incoming : randomUUID()
}
