import db from '@adonisjs/lucid/services/db'
import { AppNotFoundException } from '#marketplace/exceptions'

/** What a merchant sees of a listed app: no client credentials, no review notes, no contact data. */
export type ListedApp = {
  slug: string
  name: string
  category: string
  pricing_model: string
  monthly_price_minor: number
  usage_price_minor: number
  usage_unit: string | null
  currency: string
  scopes: string[]
  tagline: string | null
  description: string | null
  support_url: string | null
  developer_name: string
  developer_website: string | null
  listed_at: Date
}

const COLUMNS = [
  'apps.slug',
  'apps.name',
  'apps.category',
  'apps.pricing_model',
  'apps.monthly_price_minor',
  'apps.usage_price_minor',
  'apps.usage_unit',
  'apps.currency',
  'apps.scopes',
  'apps.tagline',
  'apps.description',
  'apps.support_url',
  'developers.display_name as developer_name',
  'developers.website as developer_website',
  'apps.listed_at',
]

/** The marketplace listing merchants browse: listed apps of developers in good standing. */
export class Listing {
  #query() {
    return db
      .connection('control')
      .from('apps')
      .join('developers', 'developers.id', 'apps.developer_id')
      .where('apps.status', 'listed')
      .where('developers.status', 'verified')
      .select(COLUMNS)
  }

  async all(): Promise<ListedApp[]> {
    return this.#query().orderBy('apps.listed_at', 'desc').orderBy('apps.slug', 'asc')
  }

  async bySlug(slug: string): Promise<ListedApp> {
    const app =
      typeof slug === 'string' && slug.length <= 60
        ? await this.#query().where('apps.slug', slug).first()
        : null
    if (!app) throw new AppNotFoundException()
    return app
  }
}

export const listing = new Listing()
