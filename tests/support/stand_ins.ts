/**
 * Real local stand-ins for the outside services notifications talk to: an SMTP server and an HTTP
 * receiver (webhooks, Web Push services), both on 127.0.0.1 with a random port.
 */
import net from 'node:net'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { recordText } from '#tests/support/wire_format_recorder'

export type ReceivedMail = { from: string; to: string[]; data: string }

/**
 * A minimal SMTP responder (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT). `greeting` lets a test
 * hold the server silent (slow server) until it resolves; `rejectRecipients` answers 550 to matching
 * RCPT addresses. A message counts as received once the
 * server has answered 250 to its DATA.
 */
export async function startSmtpServer(
  options: { greeting?: Promise<void>; rejectRecipients?: RegExp } = {}
) {
  const received: ReceivedMail[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buffer = ''
    let inData = false
    let mail: ReceivedMail = { from: '', to: [], data: '' }
    const reply = (line: string) => socket.writable && socket.write(`${line}\r\n`)
    const ready = options.greeting ?? Promise.resolve()
    ready.then(() => reply('220 stand-in ESMTP ready'))
    socket.on('data', async (chunk) => {
      await ready
      buffer += chunk.toString('utf8')
      while (true) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end === -1) return
          mail.data = buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          inData = false
          received.push(mail)
          mail = { from: '', to: [], data: '' }
          reply('250 2.0.0 queued')
          continue
        }
        const lineEnd = buffer.indexOf('\r\n')
        if (lineEnd === -1) return
        const line = buffer.slice(0, lineEnd)
        buffer = buffer.slice(lineEnd + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') reply('250-stand-in\r\n250 8BITMIME')
        else if (verb === 'HELO') reply('250 stand-in')
        else if (verb === 'MAIL') ((mail.from = line.slice(10).trim()), reply('250 2.1.0 ok'))
        else if (verb === 'RCPT' && options.rejectRecipients?.test(line.slice(8).trim()))
          reply('550 5.1.1 no such mailbox')
        else if (verb === 'RCPT') (mail.to.push(line.slice(8).trim()), reply('250 2.1.5 ok'))
        else if (verb === 'DATA') ((inData = true), reply('354 end with <CRLF>.<CRLF>'))
        else if (verb === 'RSET') ((mail = { from: '', to: [], data: '' }), reply('250 ok'))
        else if (verb === 'NOOP') reply('250 ok')
        else if (verb === 'QUIT') (reply('221 bye'), socket.end())
        else reply('502 command not implemented')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    received,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export type ReceivedRequest = {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
  answered?: number
}

/**
 * An HTTP receiver. `respond(request, index)` returns the status to answer, or 'hold' to never answer
 * (a test can then kill the sender mid-request).
 */
export async function startHttpReceiver(
  respond: (request: ReceivedRequest, index: number) => number | 'hold' = () => 200
) {
  const requests: ReceivedRequest[] = []
  const listeners: Array<() => void> = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      // The wire-format audit reads every JSON body we send out (webhooks; push bodies are encrypted).
      if (String(req.headers['content-type'] ?? '').includes('json'))
        recordText('webhook', `webhook ${req.headers['gudbro-event'] ?? req.url}`, request.body)
      const index = requests.push(request) - 1
      listeners.splice(0).forEach((notify) => notify())
      const status = respond(request, index)
      if (status === 'hold') return
      request.answered = status
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered: () =>
      requests.filter((r) => r.answered !== undefined && r.answered >= 200 && r.answered < 300),
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
