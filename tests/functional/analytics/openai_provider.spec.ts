import { test } from '@japa/runner'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { OpenAiBriefingProvider } from '#analytics/briefings/providers/openai_provider'
import type { BriefingFigures } from '#analytics/briefings/figures'

const figures: BriefingFigures = { day: '2032-03-10', hasData: true, changes: [], topItems: [], fallingItems: [], anomalies: [] }

/** A stand-in for an OpenAI-compatible API on 127.0.0.1, answering from a script of statuses. */
async function standIn(statuses: number[]) {
  const requests: Array<{ auth?: string; body: any }> = []
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let raw = ''
    for await (const chunk of req) raw += chunk
    requests.push({ auth: req.headers.authorization, body: JSON.parse(raw) })
    const status = statuses[Math.min(requests.length - 1, statuses.length - 1)]
    res.writeHead(status, { 'Content-Type': 'application/json' })
    const content = JSON.stringify({ headline: 'Orders up', body: 'Suggestion: keep going.' })
    res.end(JSON.stringify(status === 200 ? { choices: [{ message: { content } }] } : { error: { message: 'nope' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  return { requests, baseUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

test.group('analytics / OpenAI-compatible briefing provider', () => {
  test('retries a 5xx and a 429, then uses the answer', async ({ assert, cleanup }) => {
    const api = await standIn([500, 429, 200])
    cleanup(api.close)
    const provider = new OpenAiBriefingProvider({ apiKey: 'test-key', baseUrl: api.baseUrl, model: 'tiny', baseDelayMs: 1 })
    const text = await provider.write(figures)
    assert.deepEqual(text, { headline: 'Orders up', body: 'Suggestion: keep going.' })
    assert.lengthOf(api.requests, 3)
    assert.equal(api.requests[2].auth, 'Bearer test-key')
    assert.equal(api.requests[2].body.model, 'tiny')
    // The figures travel as snake_case JSON, like the stored ones.
    assert.deepEqual(JSON.parse(api.requests[2].body.messages[1].content), {
      day: '2032-03-10',
      has_data: true,
      changes: [],
      top_items: [],
      falling_items: [],
      anomalies: [],
    })
  })

  test('a 4xx is not retried, and giving up after the last attempt is an error', async ({ assert, cleanup }) => {
    const refused = await standIn([400])
    cleanup(refused.close)
    const provider = new OpenAiBriefingProvider({ apiKey: 'k', baseUrl: refused.baseUrl, model: 'tiny', baseDelayMs: 1 })
    await assert.rejects(() => provider.write(figures), /refused the request \(400\)/)
    assert.lengthOf(refused.requests, 1)

    const down = await standIn([503])
    cleanup(down.close)
    const flaky = new OpenAiBriefingProvider({ apiKey: 'k', baseUrl: down.baseUrl, model: 'tiny', attempts: 2, baseDelayMs: 1 })
    await assert.rejects(() => flaky.write(figures), /answered 503/)
    assert.lengthOf(down.requests, 2)
  })
})
