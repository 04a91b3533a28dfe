import { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { ACCESS_TOKENS } from '#tenancy/models/user'
import { accountMail } from '#tenancy/services/account_mail'

/** Enough of a user agent to recognise a browser; the rest is fingerprinting detail. */
const MAX_DEVICE_LENGTH = 200

/** The device (user agent, truncated) and client address of the current request, if any. */
export function requestDevice(): { device: string | null; address: string | null } {
  const ctx = HttpContext.get()
  const agent = ctx?.request.header('user-agent')?.trim()
  return {
    device: agent ? agent.slice(0, MAX_DEVICE_LENGTH) : null,
    address: ctx?.request.ip() ?? null,
  }
}

/**
 * Stamps a newly issued access token with the device and address of the request that signed in, and
 * when that pair is not among the account's other unexpired tokens, queues a `sign_in_alert` mail in the
 * same transaction (so the alert exists exactly when the stamp does). A sign-up's first token is
 * stamped without an alert: nobody else could have signed in to an account made a moment ago.
 */
export async function recordSignIn(
  user: { id: string; email: string },
  tokenId: string,
  { alert = true }: { alert?: boolean } = {}
) {
  const { device, address } = requestDevice()
  await db.connection('control').transaction(async (trx) => {
    await trx
      .from(ACCESS_TOKENS.table)
      .where('id', tokenId)
      .update({ user_agent: device, ip_address: address })
    const seen = await trx
      .from(ACCESS_TOKENS.table)
      .where('tokenable_id', user.id)
      .whereNot('id', tokenId)
      .whereRaw('(expires_at IS NULL OR expires_at > now())')
      .whereRaw(`coalesce(user_agent, '') = ? AND coalesce(ip_address, '') = ?`, [
        device ?? '',
        address ?? '',
      ])
      .select('id')
      .first()
    if (seen || !alert) return
    await accountMail.queue(trx, {
      kind: 'sign_in_alert',
      to: user.email,
      userId: user.id,
      subject: 'New sign-in to your GUDBRO account',
      text: [
        'Your GUDBRO account was just signed in to from a device or address not seen recently:',
        '',
        `Device: ${device ?? 'unknown'}`,
        `Address: ${address ?? 'unknown'}`,
        `Time: ${new Date().toISOString()}`,
        '',
        `If this was you, there is nothing to do. If not, reset your password now (${accountMail.baseUrl()}/admin/forgot-password)`,
        `and review your sessions (${accountMail.baseUrl()}/admin/security).`,
      ].join('\n'),
    })
  })
}
