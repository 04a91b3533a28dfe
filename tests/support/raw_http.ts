import http from 'node:http'

export type RawRequest = {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
}
export type RawResponse = { status: number; contentType: string; text: string }

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })

/**
 * One request sent byte for byte as given: the path is not normalised and the body is not encoded,
 * unlike fetch or the Japa client. A server that answers before reading a too-large body may close
 * the socket while we still write: the answer counts, the write error does not.
 */
export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false
    // Node's client sends no Content-Length for a DELETE body unless told: the server would read it as the next request.
    const headers =
      request.body === undefined
        ? request.headers
        : { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) }
    const outgoing = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent },
      (response) => {
        answered = true
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          })
        )
        response.on('close', () => {
          if (!response.complete) reject(new Error('the answer was cut short'))
        })
      }
    )
    outgoing.on('error', (error) => {
      if (!answered) reject(error)
    })
    outgoing.end(request.body)
  })
}

/** Runs `work` over `items` with at most `size` in flight. */
export async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0
  const lane = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane))
}
