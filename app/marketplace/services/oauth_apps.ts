import db from '@adonisjs/lucid/services/db'

/** A listed app as the OAuth flows need it. */
export type OAuthApp = {
  id: string
  slug: string
  name: string
  client_id: string
  scopes: string[]
  redirect_uris: string[]
  developer_name: string
  developer_website: string | null
}

/** Apps merchants may install: listed, of a verified developer (a suspended one's apps stop at once). */
export class OAuthApps {
  async listedByClientId(clientId: unknown): Promise<OAuthApp | null> {
    if (typeof clientId !== 'string' || !clientId || clientId.length > 100) return null
    const row = await db
      .connection('control')
      .from('apps')
      .join('developers', 'developers.id', 'apps.developer_id')
      .where('apps.client_id', clientId)
      .where('apps.status', 'listed')
      .where('developers.status', 'verified')
      .select(
        'apps.id',
        'apps.slug',
        'apps.name',
        'apps.client_id',
        'apps.scopes',
        'apps.redirect_uris',
        'developers.display_name as developer_name',
        'developers.website as developer_website'
      )
      .first()
    return (row as OAuthApp | undefined) ?? null
  }

  async byIds(ids: string[]): Promise<Map<string, { name: string; slug: string }>> {
    if (ids.length === 0) return new Map()
    const rows = await db
      .connection('control')
      .from('apps')
      .whereIn('id', ids)
      .select('id', 'name', 'slug')
    return new Map(rows.map((row) => [row.id, { name: row.name, slug: row.slug }]))
  }
}

export const oauthApps = new OAuthApps()
