import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { accountMail, type AccountMailKind } from '#tenancy/services/account_mail'
import { startSmtpServer } from '#tests/support/stand_ins'
import { randomClientIp } from '#tests/support/app_process'
import { eventually } from '#tests/support/eventually'

export type Smtp = Awaited<ReturnType<typeof startSmtpServer>>

/** The SMTP stand-in, with the app's transport pointed at it. */
export async function smtpStandIn() {
  const smtp = await startSmtpServer()
  env.set('SMTP_HOST', '127.0.0.1')
  env.set('SMTP_PORT', smtp.port)
  return smtp
}

/** Undoes quoted-printable soft breaks and escapes, as a mail reader would. */
function readable(data: string) {
  return data
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/**
 * Sends the latest account mail of `kind` to `to` through the outbox (as the accounts worker would) and
 * returns the link the SMTP stand-in received, as a mail reader shows it, and its token.
 */
export async function mailedLink(smtp: Smtp, to: string, kind: AccountMailKind) {
  const row = await eventually(`${kind} mail written`, () =>
    db
      .connection('control')
      .from('account_mails')
      .where({ recipient: to.toLowerCase(), kind })
      .orderBy('created_at', 'desc')
      .first()
  )
  if (row.status !== 'sent') await accountMail.deliver(row.id)
  const mail = smtp.received.find((m) => m.data.includes(`<${row.id}@accounts.gudbro>`))
  if (!mail) throw new Error(`no ${kind} mail received for ${to}`)
  const text = readable(mail.data)
  const link = /(https?:\/\/\S+\/admin\/[a-z-]+#token=([A-Za-z0-9_%-]+))/.exec(text)
  if (!link) throw new Error(`no link in: ${text}`)
  return { url: link[1], token: decodeURIComponent(link[2]) }
}

/** The token of the latest invitation mailed to `to`. */
export async function invitationTokenFromMail(smtp: Smtp, to: string) {
  const { token } = await mailedLink(smtp, to, 'invitation')
  return token
}

export function invite(client: ApiClient, token: string, body: object) {
  return client.post('/api/v1/tenancy/team/invitations').bearerToken(token).json(body)
}

/** The accept route from a fresh client address (the auth limit is per address). */
export function accept(client: ApiClient, body: object, bearer?: string) {
  const request = client
    .post('/api/v1/auth/invitations/accept')
    .header('X-Forwarded-For', randomClientIp())
    .json(body)
  return bearer ? request.bearerToken(bearer) : request
}

export function errorCode(response: { body(): any }) {
  return response.body()?.errors?.[0]?.code as string | undefined
}
