import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'

const CLIENT_ID_PREFIX = 'gapp_'
const SECRET_PREFIX = 'gsec_'
/** Longest secret verify() looks at: ours are 48 characters; anything far longer is not ours. */
const MAX_SECRET_LENGTH = 200

/**
 * Apps' client credentials (docs/decisions/marketplace.md, "Client secrets"). The client id is public
 * and random; the secret is 32 random bytes shown once, and only its SHA-256 is stored: with 256 bits
 * of entropy nobody can guess one from its hash, so a slow or keyed hash would add cost and an
 * APP_KEY dependency without adding safety (the project keeps its account tokens the same way).
 */
export class ClientSecrets {
  newClientId() {
    return CLIENT_ID_PREFIX + randomBytes(16).toString('hex')
  }

  newSecret() {
    return SECRET_PREFIX + randomBytes(32).toString('base64url')
  }

  hash(secret: string) {
    return createHash('sha256').update(secret).digest('hex')
  }

  /**
   * Whether `secret` is the current secret of the app with `clientId`. A rotated secret fails at
   * once; an unknown client id fails the same way as a wrong secret.
   */
  async verify(clientId: string, secret: string): Promise<boolean> {
    if (typeof clientId !== 'string' || typeof secret !== 'string') return false
    if (!secret || secret.length > MAX_SECRET_LENGTH || clientId.length > 100) return false
    const row = await db
      .connection('control')
      .from('apps')
      .where('client_id', clientId)
      .select('client_secret_hash')
      .first()
    const given = Buffer.from(this.hash(secret), 'hex')
    const stored = Buffer.from(row?.client_secret_hash ?? '', 'hex')
    return stored.length === given.length && timingSafeEqual(stored, given)
  }
}

export const clientSecrets = new ClientSecrets()

/** For the OAuth slice: whether this is the app's current client secret. */
export function verifyClientSecret(clientId: string, secret: string) {
  return clientSecrets.verify(clientId, secret)
}
