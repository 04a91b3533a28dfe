export const TIERS = ['digital_menu', 'pre_ordering', 'full_suite'] as const
export type Tier = (typeof TIERS)[number]

export const VERTICALS = ['coffeeshop', 'wellness', 'rentals'] as const
export type Vertical = (typeof VERTICALS)[number]

export const MERCHANT_STATUSES = ['active', 'suspended'] as const
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number]

export const STAFF_ROLES = ['owner', 'manager', 'staff'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

export const PLATFORM_ROLES = ['support'] as const
export type PlatformRole = (typeof PLATFORM_ROLES)[number]

/** What the directory knows about a merchant: cached in Redis as `merchant:<id>:v<N>:config` (merchant_directory.ts). */
export type MerchantSnapshot = {
  id: string
  slug: string
  name: string
  vertical: Vertical
  tier: Tier
  status: MerchantStatus
  brandId: string | null
  locationId: string | null
  shardId: number
  timezone: string
  settings: Record<string, unknown>
  /** Public pages (menu, digital menu) are live; false until a signed-up owner verifies the address. */
  published: boolean
  /** Enabled modules after tier defaults and per-merchant overrides. */
  modules: string[]
}
