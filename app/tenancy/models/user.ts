import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import type { PlatformRole } from '#tenancy/types'
import Membership from '#tenancy/models/membership'

const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

/** Where and how access tokens are kept; app/tenancy/services/verified_tokens.ts reads them directly. */
export const ACCESS_TOKENS = {
  table: 'auth_access_tokens',
  prefix: 'gud_',
  type: 'auth_token',
} as const

/** Staff, support staff and signed-in customers. Emails are unique case-insensitively. */
export default class User extends compose(BaseModel, AuthFinder) {
  static connection = 'control'

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string | null

  @column()
  declare fullName: string | null

  @column()
  declare platformRole: PlatformRole | null

  /** Set once the owner of the address followed a verification link (account_tokens.ts). */
  @column.dateTime()
  declare emailVerifiedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  static accessTokens = DbAccessTokensProvider.forModel(User, {
    ...ACCESS_TOKENS,
    expiresIn: '30 days',
  })

  /** Finds by email case-insensitively (uses idx_accounts_email_lower). */
  static findByEmail(email: string) {
    return this.query().whereRaw('lower(email) = lower(?)', [email]).first()
  }
}
