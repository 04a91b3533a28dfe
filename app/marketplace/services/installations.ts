import {
  contextFromMerchant,
  merchantDirectory,
  requireTenant,
  runWithTenant,
  shardRouter,
  tenantDb,
} from '#tenancy/index'
import { InstallationNotFoundException } from '#marketplace/exceptions'
import { isUuid } from '#marketplace/ids'
import { oauthApps } from '#marketplace/services/oauth_apps'
import { oauthCredentials } from '#marketplace/services/oauth_credentials'

/** Who an app access token speaks for. */
export type AppTokenIdentity = {
  merchantId: string
  appId: string
  installationId: string
  scopes: string[]
}

/** A merchant's installed apps: listing, uninstalling, and checking the apps' access tokens. */
export class Installations {
  /** The current merchant's active installations, with each app's name. */
  async active() {
    const { merchantId } = requireTenant()
    const rows = await tenantDb('write')
      .from('app_installations')
      .where({ merchant_id: merchantId, status: 'active' })
      .orderBy('installed_at', 'desc')
      .select('id', 'app_id', 'scopes', 'status', 'installed_at', 'updated_at')
    const apps = await oauthApps.byIds([...new Set(rows.map((row) => row.app_id))])
    return rows.map((row) => ({
      ...row,
      app_name: apps.get(row.app_id)?.name ?? null,
      app_slug: apps.get(row.app_id)?.slug ?? null,
    }))
  }

  /**
   * Marks the installation uninstalled and revokes every token it holds, in one transaction: tokens are
   * checked against the database on use, so they stop working from the next request.
   */
  async uninstall(id: unknown) {
    if (!isUuid(id)) throw new InstallationNotFoundException()
    const { merchantId } = requireTenant()
    const row = await shardRouter.transaction(async (trx) => {
      const [updated] = await trx
        .from('app_installations')
        .where({ merchant_id: merchantId, id, status: 'active' })
        .update({ status: 'uninstalled', uninstalled_at: new Date(), updated_at: new Date() })
        .returning(['id', 'app_id', 'scopes', 'status', 'installed_at', 'uninstalled_at'])
      if (!updated) return null
      await trx
        .from('app_tokens')
        .where({ merchant_id: merchantId, installation_id: id })
        .whereNull('revoked_at')
        .update({ revoked_at: new Date() })
      return updated
    })
    if (!row) throw new InstallationNotFoundException()
    return row
  }

  /**
   * The installation behind an app's access token, or null when the token is unknown, expired,
   * revoked, or its installation is gone. Read on the primary, so a revocation counts at once. The
   * scopes are the token's, narrowed to what the installation holds now.
   */
  async authenticate(token: unknown): Promise<AppTokenIdentity | null> {
    const merchantId = oauthCredentials.merchantOf('access', token)
    if (!merchantId) return null
    const merchant = await merchantDirectory.byId(merchantId)
    if (!merchant || merchant.status === 'suspended') return null
    const row = await runWithTenant(contextFromMerchant(merchant), () =>
      tenantDb('write')
        .from('app_tokens')
        .join('app_installations', (join) => {
          join
            .on('app_installations.merchant_id', 'app_tokens.merchant_id')
            .andOn('app_installations.id', 'app_tokens.installation_id')
        })
        .where('app_tokens.merchant_id', merchantId)
        .where('app_tokens.access_token_hash', oauthCredentials.hash(token as string))
        .whereNull('app_tokens.revoked_at')
        .where('app_tokens.expires_at', '>', new Date())
        .where('app_installations.status', 'active')
        .select(
          'app_tokens.installation_id',
          'app_tokens.scopes',
          'app_installations.app_id',
          'app_installations.scopes as installation_scopes'
        )
        .first()
    )
    if (!row) return null
    return {
      merchantId,
      appId: row.app_id,
      installationId: row.installation_id,
      scopes: row.scopes.filter((scope: string) => row.installation_scopes.includes(scope)),
    }
  }
}

export const installations = new Installations()

/** For the public API: who an app access token speaks for, or null. */
export function authenticateAppToken(token: string) {
  return installations.authenticate(token)
}
