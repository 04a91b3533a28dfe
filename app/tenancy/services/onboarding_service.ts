import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import { shardRouter } from '#tenancy/services/shards'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { runWithTenant } from '#tenancy/context/tenant_context'
import User from '#tenancy/models/user'
import type { Tier, Vertical, MerchantSnapshot } from '#tenancy/types'
import { ConflictException } from '#core/exceptions/http_errors'
import { EmailTakenException } from '#tenancy/exceptions'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import '#tenancy/events'

export type OnboardMerchantInput = {
  slug: string
  name: string
  vertical: Vertical
  tier: Tier
  timezone?: string
  brandId?: string | null
  settings?: Record<string, unknown>
  locationName?: string
  owner?: {
    email: string
    password: string
    fullName?: string
    /** Self sign-up: an existing account with this email is refused (EmailTakenException), never reused. */
    mustBeNew?: boolean
  }
  /** Public pages live at once (default); self sign-ups wait for the owner's verified address. */
  published?: boolean
  /** More writes in the same control transaction (a verification token and its mail). */
  withinTransaction?: (
    trx: TransactionClientContract,
    created: { merchantId: string; ownerUserId: string | null }
  ) => Promise<void>
}

/**
 * Creates a merchant: its directory row (with its shard, computed once from its id), its default
 * location on its shard node, and optionally its owner; then emits merchant.onboarded.
 * The two databases are not one transaction: if the shard write fails, the directory row is removed.
 */
export class OnboardingService {
  async onboard(input: OnboardMerchantInput): Promise<MerchantSnapshot> {
    const id = randomUUID()
    const shardId = shardRouter.shardFor(id)
    const slug = input.slug.toLowerCase()
    const timezone = input.timezone ?? 'UTC'
    const locationId = randomUUID()

    let createdOwnerId: string | null = null
    const ownerUserId = await db
      .connection('control')
      .transaction(async (trx) => {
        const taken = await trx.from('merchants').where('slug', slug).first()
        if (taken) throw new ConflictException(`The slug "${slug}" is taken`, { field: 'slug' })
        await trx.table('merchants').insert({
          id,
          slug,
          name: input.name,
          vertical: input.vertical,
          tier: input.tier,
          status: 'active',
          brand_id: input.brandId ?? null,
          location_id: locationId,
          timezone,
          settings: JSON.stringify(input.settings ?? {}),
          shard_id: shardId,
          ...(input.published === false ? { published_at: null } : {}),
        })
        if (!input.owner) {
          await input.withinTransaction?.(trx, { merchantId: id, ownerUserId: null })
          return null
        }
        let owner = await User.query({ client: trx })
          .whereRaw('lower(email) = lower(?)', [input.owner.email])
          .first()
        if (owner && input.owner.mustBeNew) throw new EmailTakenException({ field: 'email' })
        if (!owner) {
          owner = await User.create(
            {
              email: input.owner.email,
              password: input.owner.password,
              fullName: input.owner.fullName ?? null,
            },
            { client: trx }
          )
          createdOwnerId = owner.id
        }
        await trx.table('memberships').insert({ user_id: owner.id, merchant_id: id, role: 'owner' })
        await input.withinTransaction?.(trx, { merchantId: id, ownerUserId: owner.id })
        return owner.id
      })
      .catch((error) => {
        // Two onboardings racing for one slug or one email: the unique index decides, answered as above.
        if (error?.code === '23505' && error?.constraint === 'merchants_slug_unique')
          throw new ConflictException(`The slug "${slug}" is taken`, { field: 'slug' })
        if (error?.code === '23505' && error?.constraint === 'idx_accounts_email_lower')
          throw new EmailTakenException()
        throw error
      })

    try {
      await shardRouter
        .client('write', shardId)
        .table('locations')
        .insert({
          id: locationId,
          merchant_id: id,
          shard_id: shardId,
          name: input.locationName ?? input.name,
          timezone,
        })
    } catch (error) {
      await db.connection('control').from('merchants').where('id', id).delete()
      // An account made for this merchant goes with it (its tokens and mails cascade).
      if (createdOwnerId)
        await db.connection('control').from('users').where('id', createdOwnerId).delete()
      throw error
    }

    const merchant = (await merchantDirectory.load(id))!
    await merchantDirectory.invalidate(merchant)
    await runWithTenant(
      {
        merchantId: id,
        slug,
        tier: merchant.tier,
        modules: new Set(merchant.modules),
        shardId,
        brandId: merchant.brandId,
        locationId,
        timezone,
      },
      () =>
        emitter.emit('merchant.onboarded', {
          merchantId: id,
          slug,
          tier: merchant.tier,
          vertical: merchant.vertical,
          shardId,
          ownerUserId,
        })
    )
    return merchant
  }
}

export const onboarding = new OnboardingService()
