import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { contextFromMerchant, merchantDirectory, runWithTenant, shardRouter } from '#tenancy/index'
import { OAuthError } from '#marketplace/oauth_error'
import { oauthApps, type OAuthApp } from '#marketplace/services/oauth_apps'
import { verifyClientSecret } from '#marketplace/services/client_secrets'
import { oauthCredentials, type CredentialKind } from '#marketplace/services/oauth_credentials'

/** How long an access token lives. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600

export type TokenAnswer = {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  refresh_token: string
  scope: string
}

type Params = Record<string, unknown>

function param(params: Params, name: string): string | undefined {
  const value = params[name]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || value.length > 2000)
    throw new OAuthError('invalid_request', `${name} must be a string`)
  return value
}

function required(params: Params, name: string): string {
  const value = param(params, name)
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`)
  return value
}

/** A refusal decided inside a transaction whose writes (revocations) must still commit. */
type Outcome<T> = { ok: T } | { refused: string }

/**
 * The token endpoint's grants (RFC 6749 4.1.3 and 6, RFC 7636 4.6): authorization_code and
 * refresh_token, for a client that authenticated with its client secret. Each grant runs in one
 * transaction on the merchant's shard, found from the routing hint in the code or token.
 */
export class TokenGrants {
  async handle(params: Params, basic: { clientId: string; secret: string } | null) {
    const grantType = required(params, 'grant_type')
    const app = await this.#client(params, basic)
    if (grantType === 'authorization_code') return this.#authorizationCode(params, app)
    if (grantType === 'refresh_token') return this.#refreshToken(params, app)
    throw new OAuthError('unsupported_grant_type', 'Supported: authorization_code, refresh_token')
  }

  /** RFC 6749 2.3.1: HTTP Basic or the body, never both; the app must still be listed. */
  async #client(params: Params, basic: { clientId: string; secret: string } | null) {
    const bodyId = param(params, 'client_id')
    const bodySecret = param(params, 'client_secret')
    if (basic && bodySecret !== undefined)
      throw new OAuthError('invalid_request', 'Authenticate with HTTP Basic or the body, not both')
    if (basic && bodyId !== undefined && bodyId !== basic.clientId)
      throw new OAuthError('invalid_request', 'client_id differs from the authenticated client')
    const clientId = basic?.clientId ?? bodyId
    const secret = basic?.secret ?? bodySecret
    if (!clientId || !secret || !(await verifyClientSecret(clientId, secret)))
      throw new OAuthError('invalid_client', 'Client authentication failed')
    const app = await oauthApps.listedByClientId(clientId)
    if (!app) throw new OAuthError('invalid_client', 'The app is not listed')
    return app
  }

  /** Runs `fn` in the tenant context of the merchant the value was issued for. */
  async #inMerchantOf<T>(kind: CredentialKind, value: string, fn: () => Promise<T>) {
    const merchantId = oauthCredentials.merchantOf(kind, value)
    const merchant = merchantId ? await merchantDirectory.byId(merchantId) : null
    if (!merchant || merchant.status === 'suspended') return null
    return runWithTenant(contextFromMerchant(merchant), fn)
  }

  async #authorizationCode(params: Params, app: OAuthApp): Promise<TokenAnswer> {
    const code = required(params, 'code')
    const redirectUri = required(params, 'redirect_uri')
    const verifier = param(params, 'code_verifier')
    const outcome = await this.#inMerchantOf('code', code, () =>
      shardRouter.transaction(async (trx): Promise<Outcome<TokenAnswer>> => {
        const merchantId = oauthCredentials.merchantOf('code', code)!
        const row = await trx
          .from('app_authorization_codes')
          .where({ merchant_id: merchantId, code_hash: oauthCredentials.hash(code) })
          .forUpdate()
          .first()
        if (!row || row.app_id !== app.id) return { refused: 'Unknown authorization code' }
        if (row.used_at) {
          // RFC 6749 10.5: a code presented twice was stolen or replayed; everything it gave is revoked.
          await trx
            .from('app_tokens')
            .where({ merchant_id: merchantId, authorization_code_id: row.id })
            .whereNull('revoked_at')
            .update({ revoked_at: new Date() })
          return { refused: 'The authorization code was already used' }
        }
        if (new Date(row.expires_at).getTime() <= Date.now())
          return { refused: 'The authorization code has expired' }
        if (row.redirect_uri !== redirectUri)
          return { refused: 'redirect_uri differs from the authorization request' }
        if (!oauthCredentials.verifierMatches(verifier, row.code_challenge))
          return { refused: 'code_verifier does not match the code challenge' }

        // The grant replaces an existing installation's scopes (a scope change needs this consent).
        const installed = await trx.rawQuery(
          `INSERT INTO app_installations (merchant_id, app_id, scopes, installed_by)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (merchant_id, app_id) WHERE status = 'active'
           DO UPDATE SET scopes = EXCLUDED.scopes, updated_at = now()
           RETURNING id`,
          [merchantId, app.id, row.scopes, row.approved_by]
        )
        const installationId: string = installed.rows[0].id
        await trx
          .from('app_authorization_codes')
          .where({ merchant_id: merchantId, id: row.id })
          .update({ used_at: new Date(), installation_id: installationId })
        const answer = await this.#issue(trx, merchantId, {
          installationId,
          codeId: row.id,
          familyId: randomUUID(),
          scopes: row.scopes,
        })
        return { ok: answer }
      })
    )
    if (!outcome) throw new OAuthError('invalid_grant', 'Unknown authorization code')
    if ('refused' in outcome) throw new OAuthError('invalid_grant', outcome.refused)
    return outcome.ok
  }

  async #refreshToken(params: Params, app: OAuthApp): Promise<TokenAnswer> {
    const token = required(params, 'refresh_token')
    const scope = param(params, 'scope')
    const outcome = await this.#inMerchantOf('refresh', token, () =>
      shardRouter.transaction(async (trx): Promise<Outcome<TokenAnswer>> => {
        const merchantId = oauthCredentials.merchantOf('refresh', token)!
        const row = await trx
          .from('app_tokens')
          .join('app_installations', (join) => {
            join
              .on('app_installations.merchant_id', 'app_tokens.merchant_id')
              .andOn('app_installations.id', 'app_tokens.installation_id')
          })
          .where('app_tokens.merchant_id', merchantId)
          .where('app_tokens.refresh_token_hash', oauthCredentials.hash(token))
          .select(
            'app_tokens.id',
            'app_tokens.family_id',
            'app_tokens.authorization_code_id',
            'app_tokens.scopes',
            'app_tokens.rotated_at',
            'app_tokens.revoked_at',
            'app_tokens.installation_id',
            'app_installations.app_id',
            'app_installations.status',
            'app_installations.scopes as installation_scopes'
          )
          .forUpdate()
          .first()
        if (!row || row.app_id !== app.id) return { refused: 'Unknown refresh token' }
        if (row.rotated_at && !row.revoked_at) {
          // Reuse of a rotated refresh token: one of the two holders is not the app. End the family.
          await trx
            .from('app_tokens')
            .where({ merchant_id: merchantId, family_id: row.family_id })
            .whereNull('revoked_at')
            .update({ revoked_at: new Date() })
          return { refused: 'The refresh token was already used' }
        }
        if (row.rotated_at || row.revoked_at || row.status !== 'active')
          return { refused: 'The refresh token is no longer valid' }
        let scopes: string[] = row.scopes.filter((one: string) =>
          row.installation_scopes.includes(one)
        )
        if (scope !== undefined) {
          const asked = [...new Set(scope.split(' ').filter(Boolean))]
          if (asked.length === 0 || asked.some((one) => !scopes.includes(one)))
            return { refused: 'invalid_scope' }
          scopes = asked
        }
        await trx
          .from('app_tokens')
          .where({ merchant_id: merchantId, id: row.id })
          .update({ rotated_at: new Date() })
        const answer = await this.#issue(trx, merchantId, {
          installationId: row.installation_id,
          codeId: row.authorization_code_id,
          familyId: row.family_id,
          scopes,
        })
        return { ok: answer }
      })
    )
    if (!outcome) throw new OAuthError('invalid_grant', 'Unknown refresh token')
    if ('refused' in outcome) {
      if (outcome.refused === 'invalid_scope')
        throw new OAuthError('invalid_scope', 'The scope exceeds what was granted')
      throw new OAuthError('invalid_grant', outcome.refused)
    }
    return outcome.ok
  }

  async #issue(
    trx: TransactionClientContract,
    merchantId: string,
    grant: { installationId: string; codeId: string | null; familyId: string; scopes: string[] }
  ): Promise<TokenAnswer> {
    const access = oauthCredentials.issue('access', merchantId)
    const refresh = oauthCredentials.issue('refresh', merchantId)
    await trx
      .insertQuery()
      .table('app_tokens')
      .insert({
        merchant_id: merchantId,
        installation_id: grant.installationId,
        authorization_code_id: grant.codeId,
        family_id: grant.familyId,
        access_token_hash: access.hash,
        refresh_token_hash: refresh.hash,
        scopes: grant.scopes,
        expires_at: DateTime.now().plus({ seconds: ACCESS_TOKEN_TTL_SECONDS }).toJSDate(),
      })
    return {
      access_token: access.value,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: refresh.value,
      scope: grant.scopes.join(' '),
    }
  }
}

export const tokenGrants = new TokenGrants()
