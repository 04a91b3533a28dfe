import { DateTime } from 'luxon'
import { requireTenant, shardRouter, tenantDb } from '#tenancy/index'
import { APP_SCOPES, SCOPE_DESCRIPTIONS, type AppScope } from '#marketplace/catalog'
import {
  OAuthClientUnknownException,
  OAuthInvalidRequestException,
  OAuthPkceRequiredException,
  OAuthRedirectUriException,
  OAuthScopeException,
} from '#marketplace/exceptions'
import { oauthApps, type OAuthApp } from '#marketplace/services/oauth_apps'
import { oauthCredentials } from '#marketplace/services/oauth_credentials'

/** How long an authorization code lives (RFC 6749 4.1.2 recommends at most ten minutes). */
export const CODE_TTL_SECONDS = 60

/** A checked authorization request (RFC 6749 4.1.1 with RFC 7636 4.3). */
export type AuthorizationRequest = {
  app: OAuthApp
  redirectUri: string
  scopes: AppScope[]
  state: string | null
  codeChallenge: string
}

function text(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || value.length > max)
    throw new OAuthInvalidRequestException({ field })
  return value
}

/**
 * The owner's side of the install: checks an authorization request, describes it for the consent
 * screen, and on approval issues a single-use code bound to the app, the redirect URI, the scopes and
 * the PKCE challenge.
 */
export class Consent {
  /** Refuses anything but a listed app, one of its exact redirect URIs, a subset of its scopes and S256. */
  async check(params: Record<string, unknown>): Promise<AuthorizationRequest> {
    const app = await oauthApps.listedByClientId(text(params.client_id, 'client_id', 100))
    if (!app) throw new OAuthClientUnknownException({ field: 'client_id' })
    const redirectUri = text(params.redirect_uri, 'redirect_uri', 2000)
    if (!redirectUri || !app.redirect_uris.includes(redirectUri))
      throw new OAuthRedirectUriException({ field: 'redirect_uri' })
    const scope = text(params.scope, 'scope', 1000)
    const scopes = [...new Set((scope ?? '').split(' ').filter(Boolean))]
    if (
      scopes.length === 0 ||
      scopes.some(
        (one) => !(APP_SCOPES as readonly string[]).includes(one) || !app.scopes.includes(one)
      )
    )
      throw new OAuthScopeException({ field: 'scope' })
    const method = text(params.code_challenge_method, 'code_challenge_method', 10)
    if (method !== 'S256') throw new OAuthPkceRequiredException({ field: 'code_challenge_method' })
    const challenge = text(params.code_challenge, 'code_challenge', 200)
    if (!oauthCredentials.isChallenge(challenge))
      throw new OAuthPkceRequiredException({ field: 'code_challenge' })
    const state = text(params.state, 'state', 500)
    return { app, redirectUri, scopes: scopes as AppScope[], state, codeChallenge: challenge }
  }

  /** What the consent screen shows: the app, its developer and every scope asked for. */
  async describe(request: AuthorizationRequest) {
    const { merchantId } = requireTenant()
    const installed = await tenantDb('write')
      .from('app_installations')
      .where({ merchant_id: merchantId, app_id: request.app.id, status: 'active' })
      .select('id', 'scopes')
      .first()
    return {
      app: {
        slug: request.app.slug,
        name: request.app.name,
        developer_name: request.app.developer_name,
        developer_website: request.app.developer_website,
      },
      scopes: request.scopes.map((scope) => ({
        scope,
        description: SCOPE_DESCRIPTIONS[scope],
        already_granted: Boolean(installed?.scopes.includes(scope)),
      })),
      installation_id: installed?.id ?? null,
      redirect_uri: request.redirectUri,
      state: request.state,
    }
  }

  /** The owner's answer: a code on approval, `access_denied` otherwise, sent to the redirect URI. */
  async decide(request: AuthorizationRequest, approve: boolean, userId: string) {
    const target = new URL(request.redirectUri)
    if (!approve) {
      target.searchParams.set('error', 'access_denied')
    } else {
      const { merchantId } = requireTenant()
      const code = oauthCredentials.issue('code', merchantId)
      await shardRouter.transaction((trx) =>
        trx
          .insertQuery()
          .table('app_authorization_codes')
          .insert({
            merchant_id: merchantId,
            app_id: request.app.id,
            approved_by: userId,
            code_hash: code.hash,
            redirect_uri: request.redirectUri,
            scopes: request.scopes,
            code_challenge: request.codeChallenge,
            code_challenge_method: 'S256',
            expires_at: DateTime.now().plus({ seconds: CODE_TTL_SECONDS }).toJSDate(),
          })
      )
      target.searchParams.set('code', code.value)
    }
    if (request.state !== null) target.searchParams.set('state', request.state)
    return target.toString()
  }
}

export const consent = new Consent()
