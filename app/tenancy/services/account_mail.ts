import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import encryption from '@adonisjs/core/services/encryption'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import env from '#start/env'
import { dispatch } from '#core/queue/dispatcher'
import { isPermanentSmtpError, smtpSettings, smtpTransport } from '#core/mail/smtp'

export const ACCOUNT_MAIL_KINDS = [
  'verify_email',
  'invitation',
  'password_reset',
  'password_changed',
  'sign_in_alert',
  'second_factor_changed',
  'sign_up_attempt',
] as const
export type AccountMailKind = (typeof ACCOUNT_MAIL_KINDS)[number]

export type AccountMailInput = {
  kind: AccountMailKind
  to: string
  /** The account it concerns (null for an invitation to an address without one). */
  userId?: string | null
  subject: string
  text: string
}

const MAX_ATTEMPTS = 8
const LEASE_SECONDS = 60

class UnreadableMailError extends Error {
  message = 'the mail body cannot be decrypted with this APP_KEY'
}

type ClaimedMail = {
  id: string
  recipient: string
  kind: AccountMailKind
  subject: string
  body: string
  attempts: number
}

/**
 * Account mails (verification, invitation, password reset, alerts) through a control-database outbox:
 * `queue` writes the mail in the caller's transaction, so it exists exactly when the token it carries
 * does; after COMMIT it is handed to the `accounts` queue, and a minute's sweep re-queues what a lost
 * hand-off or a dead worker left. Sent with the app's one SMTP transport (app/core/mail/smtp.ts); the
 * Message-ID is the row id, so a repeated send is recognisable as the same mail. The body (it holds a
 * single-use link) is stored encrypted and cleared once the mail is sent or has failed for good.
 */
class AccountMail {
  /** The address links in mails point at: APP_URL, else this server's own address. */
  baseUrl(): string {
    const configured = env.get('APP_URL')
    if (configured) return configured.replace(/\/+$/, '')
    const host = env.get('HOST', '127.0.0.1')
    return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${env.get('PORT', 3333)}`
  }

  link(path: string, token: string): string {
    return `${this.baseUrl()}${path}#token=${encodeURIComponent(token)}`
  }

  async queue(trx: TransactionClientContract, input: AccountMailInput): Promise<string> {
    const [row] = await trx
      .table('account_mails')
      .insert({
        user_id: input.userId ?? null,
        recipient: input.to,
        kind: input.kind,
        subject: input.subject,
        // Encrypted with APP_KEY: until it is sent, the row holds a working single-use link.
        body: encryption.encrypt(input.text),
      })
      .returning('id')
    const id: string = row.id
    trx.after('commit', async () => {
      void this.#handOff(id)
    })
    return id
  }

  async #handOff(id: string) {
    try {
      const { default: DeliverAccountMailJob } =
        await import('#tenancy/jobs/deliver_account_mail_job')
      await dispatch(DeliverAccountMailJob, { merchantId: null, mailId: id }, { jobId: id })
    } catch (error) {
      // The sweep finds the row still pending within a minute.
      logger.warn({ err: error, mailId: id }, 'account mail hand-off failed; the sweep will retry')
    }
  }

  /** Claims a due mail (pending, or sending with an expired lease), sends it, records the outcome. */
  async deliver(id: string): Promise<'sent' | 'failed' | 'gone'> {
    const claimed = await db.connection('control').rawQuery(
      `UPDATE account_mails SET status = 'sending', attempts = attempts + 1,
              locked_until = now() + make_interval(secs => ?)
        WHERE id = ? AND body IS NOT NULL
          AND (status = 'pending' OR (status = 'sending' AND locked_until < now()))
        RETURNING id, recipient, kind, subject, body, attempts`,
      [LEASE_SECONDS, id]
    )
    const mail: ClaimedMail | undefined = claimed.rows[0]
    if (!mail) return 'gone'
    const text = encryption.decrypt<string>(mail.body)
    try {
      // Written under another APP_KEY: it can never be read, so it fails for good.
      if (typeof text !== 'string') throw new UnreadableMailError()
      await smtpTransport().sendMail({
        from: smtpSettings().from,
        to: mail.recipient,
        subject: mail.subject,
        text,
        messageId: `<${mail.id}@accounts.gudbro>`,
        headers: { 'X-Gudbro-Account-Mail': mail.kind },
      })
    } catch (error: any) {
      const final =
        error instanceof UnreadableMailError ||
        isPermanentSmtpError(error) ||
        mail.attempts >= MAX_ATTEMPTS
      await db
        .connection('control')
        .from('account_mails')
        .where('id', mail.id)
        .update({
          status: final ? 'failed' : 'pending',
          body: final ? null : mail.body,
          locked_until: null,
          last_error: String(error?.message ?? error).slice(0, 500),
        })
      if (final) return 'failed'
      throw error
    }
    await db
      .connection('control')
      .from('account_mails')
      .where('id', mail.id)
      .update({ status: 'sent', body: null, locked_until: null, sent_at: new Date() })
    return 'sent'
  }

  /** Re-queues mails still pending `graceSeconds` after they were written, and those of dead workers. */
  async sweep({ graceSeconds = 60 } = {}): Promise<number> {
    const due = await db
      .connection('control')
      .from('account_mails')
      .whereNotNull('body')
      .where((query) =>
        query
          .where((pending) =>
            pending
              .where('status', 'pending')
              .where('created_at', '<=', db.raw('now() - make_interval(secs => ?)', [graceSeconds]))
          )
          .orWhere((stuck) =>
            stuck.where('status', 'sending').where('locked_until', '<', db.raw('now()'))
          )
      )
      .orderBy('created_at')
      .limit(500)
      .select('id')
    for (const { id } of due) await this.#handOff(id)
    return due.length
  }
}

export const accountMail = new AccountMail()
