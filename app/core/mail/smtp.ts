import env from '#start/env'
import nodemailer, { type Transporter } from 'nodemailer'

export type SmtpSettings = {
  host: string
  port: number
  secure: boolean
  user?: string
  password?: string
  from: string
}

/** SMTP settings from the environment; read on each use so a test can point them at its stand-in. */
export function smtpSettings(): SmtpSettings {
  return {
    host: env.get('SMTP_HOST', '127.0.0.1'),
    port: env.get('SMTP_PORT', 25),
    secure: env.get('SMTP_SECURE', false),
    user: env.get('SMTP_USER'),
    password: env.get('SMTP_PASSWORD'),
    from: env.get('MAIL_FROM', 'GUDBRO <notifications@gudbro.test>'),
  }
}

let cached: { key: string; transporter: Transporter } | undefined

/**
 * The one SMTP transport of the app (merchant notifications and account mails), pooled, rebuilt when
 * the settings change.
 */
export function smtpTransport(): Transporter {
  const smtp = smtpSettings()
  const key = JSON.stringify(smtp)
  if (cached?.key !== key) {
    cached?.transporter.close()
    cached = {
      key,
      transporter: nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
        pool: true,
        // Well under a row's lease, so a hung server fails the attempt before another worker may retry it.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    }
  }
  return cached.transporter
}

/** 5xx replies (unknown mailbox, refused sender) will not change on retry; 4xx and network errors may. */
export function isPermanentSmtpError(error: any): boolean {
  return typeof error?.responseCode === 'number' && error.responseCode >= 500
}
