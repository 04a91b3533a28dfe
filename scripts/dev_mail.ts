/**
 * The local SMTP stand-in of `npm start` in development when SMTP_HOST is not set: every mail the
 * platform sends (account verification links, invitations, notifications) is kept as an .eml file
 * under tmp/mail/ and announced on the console, so a developer can open the links. Loopback only;
 * accepts any sender and recipient, no TLS, no authentication. Built on the `smtp-server` package.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { SMTPServer } from 'smtp-server'

export type DevMailCatcher = { port: number; dir: string; close(): Promise<void> }

/** The Subject header of a raw message (folded lines joined; encoded words left as they are). */
export function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ')
  return /^subject:[ \t]*(.*)$/im.exec(head)?.[1]?.trim() ?? '(no subject)'
}

/**
 * The web links in a raw message, with quoted-printable soft breaks and escapes undone (the .eml keeps the
 * encoded form, where a long link is cut over several lines), so the console can show them whole.
 */
export function linksIn(raw: string): string[] {
  const decoded = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  return [...new Set(decoded.match(/https?:\/\/[^\s<>"]+/g) ?? [])]
}

export async function startDevMailCatcher(options: {
  dir: string
  port?: number
  log?: (line: string) => void
  root?: string
}): Promise<DevMailCatcher> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[mail] ${line}\n`))
  mkdirSync(options.dir, { recursive: true })
  let sequence = 0
  const server = new SMTPServer({
    authOptional: true,
    // Local clients only: no reverse DNS lookup of each one.
    disableReverseLookup: true,
    // Senders keep pooled connections open: on close, drop them after a second instead of waiting.
    closeTimeout: 1000,
    disabledCommands: ['AUTH', 'STARTTLS'],
    // Plenty for an account mail or a notification; refuses a runaway client.
    size: 10 * 1024 * 1024,
    logger: false,
    banner: 'GUDBRO development mail catcher',
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        try {
          const raw = Buffer.concat(chunks)
          const stamp = new Date().toISOString().replace(/[:.]/g, '-')
          const file = join(options.dir, `${stamp}-${session.id}-${++sequence}.eml`)
          writeFileSync(file, raw)
          const to = session.envelope.rcptTo.map((rcpt) => rcpt.address).join(', ')
          const shown = options.root ? relative(options.root, file) : file
          const text = raw.toString('utf8')
          log(`mail to ${to}: ${subjectOf(text)} (${shown})`)
          for (const link of linksIn(text)) log(`  link: ${link}`)
          callback()
        } catch (error) {
          callback(error as Error)
        }
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  server.on('error', (error) => log(`mail catcher error: ${error.message}`))
  const address = server.server.address() as { port: number }
  return {
    port: address.port,
    dir: options.dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
