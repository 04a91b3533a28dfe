import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { AccessToken } from '@adonisjs/auth/access_tokens'
import type { ApiClient } from '@japa/api-client'
import env from '#start/env'
import { ACCESS_TOKENS } from '#tenancy/models/user'
import { eventually } from '#tests/support/eventually'
import { startSmtpServer, type ReceivedMail } from '#tests/support/stand_ins'
import { accountMailWorkers } from '#tests/support/workers'

/** A password the policy accepts. */
export const STRONG_PASSWORD = 'violet-harbour-lantern-93'
export const OTHER_STRONG_PASSWORD = 'quiet-marble-orchard-71'

export const tokenId = (token: string) =>
  AccessToken.decode(ACCESS_TOKENS.prefix, token)!.identifier

/** The SMTP stand-in and the account-mail workers, as deployed: mails leave through the outbox. */
export async function startMailDelivery() {
  const smtp = await startSmtpServer()
  env.set('SMTP_HOST', '127.0.0.1')
  env.set('SMTP_PORT', smtp.port)
  const workers = accountMailWorkers()
  return {
    smtp,
    async stop() {
      await workers.stop()
      await smtp.close()
    },
  }
}

/** The message text: quoted-printable soft breaks joined and escapes decoded. */
export function mailText(mail: ReceivedMail) {
  return mail.data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/** Waits for a mail to `to` whose text includes `marker`, and returns its text. */
export async function mailTo(
  smtp: { received: ReceivedMail[] },
  to: string,
  marker: string
): Promise<string> {
  const mail = await eventually(`mail to ${to} with "${marker}"`, () =>
    smtp.received.find(
      (received) =>
        received.to.includes(`<${to.toLowerCase()}>`) && mailText(received).includes(marker)
    )
  )
  return mailText(mail)
}

/** The token of the reset link in a mail's text. */
export function linkToken(text: string) {
  const match = /\/admin\/reset-password#token=([A-Za-z0-9_%-]+)/.exec(text)
  if (!match) throw new Error(`no reset link in: ${text}`)
  return decodeURIComponent(match[1])
}

/** Account mails written to the outbox for an address, of a kind, with their bodies decrypted. */
export async function outbox(recipient: string, kind: string) {
  const rows = await db
    .connection('control')
    .from('account_mails')
    .whereRaw('lower(recipient) = lower(?)', [recipient])
    .where('kind', kind)
    .orderBy('created_at')
  return rows.map((row) => ({ ...row, body: row.body && encryption.decrypt<string>(row.body) }))
}

/** Audit entries of an action about a user. */
export async function auditEntries(action: string, userId: string) {
  return db
    .connection('control')
    .from('audit_log')
    .where({ action, resource_id: userId })
    .select('action', 'actor_id', 'new_values', 'ip_address')
}

export function forgot(client: ApiClient, email: unknown, ip: string) {
  return client.post('/api/v1/auth/password/forgot').header('X-Forwarded-For', ip).json({ email })
}

export function reset(client: ApiClient, token: unknown, password: unknown, ip: string) {
  return client
    .post('/api/v1/auth/password/reset')
    .header('X-Forwarded-For', ip)
    .json({ token, password })
}

/** Signs in through the login route from the given device and address; returns the token. */
export async function signIn(
  client: ApiClient,
  email: string,
  password: string,
  from: { ip: string; device?: string },
  merchant?: string
) {
  const request = client
    .post('/api/v1/auth/login')
    .header('X-Forwarded-For', from.ip)
    .json({ email, password, merchant })
  if (from.device) request.header('User-Agent', from.device)
  const response = await request
  response.assertStatus(200)
  return response.body().token as string
}

/** The staff read route with the token, against one process: its status. */
export async function statusAt(base: string, token: string) {
  const response = await fetch(`${base}/api/v1/tenancy/locations`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await response.arrayBuffer()
  return response.status
}

/** That process's count of token checks answered from memory. */
async function cacheHits(base: string) {
  const response = await fetch(`${base}/metrics`)
  const line = /^auth_token_cache_lookups_total\{outcome="hit"[^}]*\} (\d+)/m.exec(
    await response.text()
  )
  return line ? Number(line[1]) : 0
}

/** Uses the token in each process until that process answers it from its token cache. */
export async function warmEverywhere(token: string, bases: string[]) {
  for (const base of bases) {
    await eventually(
      `token served from the cache of ${base}`,
      async () => {
        const before = await cacheHits(base)
        const status = await statusAt(base, token)
        if (status !== 200) throw new Error(`warming up: ${status}`)
        return (await cacheHits(base)) > before
      },
      10_000,
      10
    )
  }
}

/** Every process refuses the token (401) within a second of the revocation. */
export async function refusedEverywhere(token: string, bases: string[]) {
  await Promise.all(
    bases.map((base) =>
      eventually(
        `token refused by ${base}`,
        async () => (await statusAt(base, token)) === 401,
        1000,
        10
      )
    )
  )
}
