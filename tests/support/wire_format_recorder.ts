/**
 * Records the JSON the test run sees on the wire (docs/decisions/wire-format.md): every HTTP response
 * body of the test server, every socket.io payload a test client receives (events and acks) and every
 * webhook body the local receivers get. `camelCaseFindings()` lists each camelCase key with where it
 * was seen; the runner's teardown (tests/bootstrap.ts) fails the run on any.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { isCamelCaseKey } from '#core/http/json_keys'

export type Channel = 'http' | 'socket' | 'webhook'
export type Finding = { channel: Channel; source: string; path: string }

/**
 * Values that are data, not shape: whoever wrote them chose their keys, and they leave as stored.
 * Each is named by where it is seen and why; nothing below one of these paths is checked. (The app
 * marks the same values with `verbatim()`, app/core/http/json_keys.ts.)
 */
export const DATA_PATHS: ReadonlyArray<{ source: string; path: RegExp; reason: string }> = [
  {
    source: 'POST /api/v1/admin/gdpr/exports',
    path: /^\$\.data$/,
    reason:
      "the subject's rows as stored, keyed by column; JSON columns (e.g. a notification payload) hold what was written",
  },
  {
    source: 'GET /api/v1/compliance/audit-log',
    path: /^\$\.data\[\d+\]\.(old|new)_values$/,
    reason: "a row's column values before and after a change, as they were",
  },
]

const isData = (source: string, path: string) =>
  DATA_PATHS.some((data) => data.source === source && data.path.test(path))

const seen = { http: new Set<string>(), socket: new Set<string>(), webhook: new Set<string>() }
const findings = new Map<string, Finding>()
let bodies = 0

/** Adds every camelCase key of `value` (outside the data keys) to the findings. */
export function walk(channel: Channel, source: string, value: unknown, path = '$'): Finding[] {
  const found: Finding[] = []
  const visit = (node: unknown, at: string) => {
    if (Array.isArray(node)) return node.forEach((entry, index) => visit(entry, `${at}[${index}]`))
    if (node === null || typeof node !== 'object') return
    for (const [key, entry] of Object.entries(node)) {
      const keyPath = `${at}.${key}`
      if (isCamelCaseKey(key)) found.push({ channel, source, path: keyPath })
      if (!isData(source, keyPath)) visit(entry, keyPath)
    }
  }
  visit(value, path)
  return found
}

export function record(channel: Channel, source: string, value: unknown) {
  bodies++
  seen[channel].add(source)
  for (const finding of walk(channel, source, value))
    findings.set(`${finding.channel} ${finding.source} ${finding.path}`, finding)
}

/** A JSON text (anything else, e.g. an encrypted push body or CSV, is not ours to read here). */
export function recordText(channel: Channel, source: string, text: string) {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return
  }
  record(channel, source, value)
}

export const camelCaseFindings = () => [...findings.values()]
export const coverage = () => ({
  http: seen.http.size,
  socket: seen.socket.size,
  webhook: seen.webhook.size,
  bodies,
})
export const sources = (channel: Channel) => [...seen[channel]]

/**
 * Taps the test HTTP server: each JSON response body, as written, is recorded under its route
 * pattern (`describe` names it, e.g. "GET /api/v1/orders/:id").
 */
export function tapHttpServer(server: Server, describe: (request: IncomingMessage) => string) {
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    const write = response.write.bind(response) as (...args: any[]) => boolean
    const end = response.end.bind(response) as (...args: any[]) => ServerResponse
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk))
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk))
    }
    response.write = ((chunk: unknown, ...rest: any[]) => (
      keep(chunk),
      write(chunk, ...rest)
    )) as typeof response.write
    response.end = ((chunk?: unknown, ...rest: any[]) => {
      if (typeof chunk !== 'function') keep(chunk)
      return end(chunk, ...rest)
    }) as typeof response.end
    // Every body that parses as JSON is checked (HTML, CSS, CSV and compressed assets do not parse).
    response.once('finish', () =>
      recordText('http', describe(request), Buffer.concat(chunks).toString('utf8'))
    )
  })
}
