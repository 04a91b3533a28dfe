import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { runWithReason } from '#core/database/actor_context'
import { ValidationException } from '#core/exceptions/http_errors'
import MarketplaceApp from '#marketplace/models/marketplace_app'
import AppWebhookSubscription from '#marketplace/models/app_webhook_subscription'
import type Developer from '#marketplace/models/developer'
import { EDITABLE_STATUSES, type AppStatus } from '#marketplace/catalog'
import { clientSecrets } from '#marketplace/services/client_secrets'
import { isUniqueViolation, isUuid } from '#marketplace/ids'
import {
  AppIncompleteException,
  AppNotEditableException,
  AppNotFoundException,
  AppSlugTakenException,
  AppStateException,
  DeveloperNotVerifiedException,
  DeveloperSuspendedException,
} from '#marketplace/exceptions'
import type { CreateAppInput, UpdateAppInput } from '#marketplace/validators/marketplace_validators'

type Webhooks = NonNullable<CreateAppInput['webhooks']>

/** An app's name made into a slug: lowercase letters, digits and single dashes. */
export function slugFromName(name: string) {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '')
  return slug || 'app'
}

/**
 * Prices that fit the pricing model: a free app charges nothing, a paid one charges something, and
 * a usage price names its unit. Checked on the app as it would be after the change.
 */
function checkPricing(app: MarketplaceApp) {
  const charges = app.monthlyPriceMinor > 0 || app.usagePriceMinor > 0
  if (app.pricingModel === 'free' && charges)
    throw new ValidationException('A free app has no prices', {
      field: app.monthlyPriceMinor > 0 ? 'monthly_price_minor' : 'usage_price_minor',
    })
  if (app.pricingModel === 'paid' && !charges)
    throw new ValidationException('A paid app needs a monthly or a usage price', {
      field: 'monthly_price_minor',
    })
  if (app.usagePriceMinor > 0 && !app.usageUnit)
    throw new ValidationException('A usage price needs its unit', { field: 'usage_unit' })
}

function assertActive(developer: Developer) {
  if (developer.status === 'suspended') throw new DeveloperSuspendedException()
}

/** A developer's apps and support's review of them. */
export class Apps {
  /** The developer's own app; anyone else's (or no app, or a malformed id) is the same 404. */
  async own(developer: Developer, id: string) {
    const app = isUuid(id)
      ? await MarketplaceApp.query()
          .where('id', id)
          .where('developer_id', developer.id)
          .preload('webhooks', (q) => q.orderBy('created_at', 'asc').orderBy('id', 'asc'))
          .first()
      : null
    if (!app) throw new AppNotFoundException()
    return app
  }

  list(developer: Developer) {
    return MarketplaceApp.query()
      .where('developer_id', developer.id)
      .preload('webhooks', (q) => q.orderBy('created_at', 'asc').orderBy('id', 'asc'))
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
  }

  /** A new draft with its client id and secret; the secret is returned once and never again. */
  async create(developer: Developer, input: CreateAppInput) {
    assertActive(developer)
    const secret = clientSecrets.newSecret()
    const app = new MarketplaceApp()
    app.merge({
      developerId: developer.id,
      status: 'draft',
      pricingModel: 'free',
      monthlyPriceMinor: 0,
      usagePriceMinor: 0,
      usageUnit: null,
      currency: 'EUR',
      scopes: [],
      redirectUris: [],
      clientId: clientSecrets.newClientId(),
      clientSecretHash: clientSecrets.hash(secret),
      secretRotatedAt: DateTime.now(),
    })
    this.#apply(app, input)
    checkPricing(app)
    app.slug = input.slug ?? (await this.#freeSlug(slugFromName(input.name)))
    await this.#save(app, input.webhooks)
    return { app: await this.own(developer, app.id), secret }
  }

  /**
   * Changes a draft or a rejected app the caller found with own() (so another developer's id is a 404
   * before the body is validated); anything further along is refused with 409.
   */
  async update(developer: Developer, app: MarketplaceApp, input: UpdateAppInput) {
    assertActive(developer)
    if (!EDITABLE_STATUSES.includes(app.status)) throw new AppNotEditableException()
    this.#apply(app, input)
    if (input.slug !== undefined) app.slug = input.slug
    checkPricing(app)
    await this.#save(app, input.webhooks)
    // Read again: the webhooks were replaced.
    return this.own(developer, app.id)
  }

  /** Sends a draft or rejected app to support's review: a verified developer, a redirect URI and a scope. */
  async submit(developer: Developer, id: string) {
    assertActive(developer)
    const app = await this.own(developer, id)
    if (developer.status !== 'verified') throw new DeveloperNotVerifiedException()
    if (!EDITABLE_STATUSES.includes(app.status))
      throw new AppStateException(`A ${app.status} app cannot be submitted`)
    if (app.redirectUris.length === 0)
      throw new AppIncompleteException('Add at least one redirect URI before review', {
        field: 'redirect_uris',
      })
    if (app.scopes.length === 0)
      throw new AppIncompleteException('Request at least one scope before review', {
        field: 'scopes',
      })
    app.merge({ status: 'submitted', submittedAt: DateTime.now() })
    await app.save()
    return app
  }

  /** A new client secret, returned once; the previous one stops working at once. */
  async rotateSecret(developer: Developer, id: string) {
    assertActive(developer)
    const app = await this.own(developer, id)
    const secret = clientSecrets.newSecret()
    app.merge({ clientSecretHash: clientSecrets.hash(secret), secretRotatedAt: DateTime.now() })
    await app.save()
    return { app, secret }
  }

  /** Deletes a draft (anything that reached support stays, for the record). */
  async destroy(developer: Developer, id: string) {
    assertActive(developer)
    const app = await this.own(developer, id)
    if (app.status !== 'draft') throw new AppStateException('Only a draft app can be deleted')
    await app.delete()
  }

  // Support's review.

  async reviewList(options: { status?: AppStatus; page: number; perPage: number }) {
    const query = MarketplaceApp.query()
      .preload('webhooks', (q) => q.orderBy('created_at', 'asc').orderBy('id', 'asc'))
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
    if (options.status) query.where('status', options.status)
    return query.paginate(options.page, options.perPage)
  }

  async #any(id: string) {
    const app = isUuid(id) ? await MarketplaceApp.find(id) : null
    if (!app) throw new AppNotFoundException()
    return app
  }

  async #review(
    id: string,
    from: AppStatus,
    to: AppStatus,
    change: { reviewer: string | null; reason: string; note?: string | null }
  ) {
    const app = await this.#any(id)
    if (app.status !== from)
      throw new AppStateException(`Only a ${from} app can become ${to} (this one is ${app.status})`)
    const now = DateTime.now()
    app.status = to
    if (to === 'listed') app.listedAt = now
    else
      app.merge({ reviewedBy: change.reviewer, reviewedAt: now, reviewNote: change.note ?? null })
    await runWithReason(change.reason, () => app.save())
    return app
  }

  approve(id: string, reviewer: string | null, reason: string) {
    return this.#review(id, 'submitted', 'approved', { reviewer, reason })
  }

  reject(id: string, reviewer: string | null, note: string) {
    return this.#review(id, 'submitted', 'rejected', { reviewer, reason: note, note })
  }

  publish(id: string, reviewer: string | null, reason: string) {
    return this.#review(id, 'approved', 'listed', { reviewer, reason })
  }

  #apply(app: MarketplaceApp, input: UpdateAppInput) {
    const fields: Partial<UpdateAppInput> = { ...input }
    delete fields.webhooks
    delete fields.slug
    app.merge(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)))
  }

  async #freeSlug(base: string) {
    const taken = await MarketplaceApp.query().where('slug', base).select('id').first()
    return taken ? `${base}-${randomBytes(3).toString('hex')}` : base
  }

  async #save(app: MarketplaceApp, webhooks: Webhooks | undefined) {
    try {
      await db.connection('control').transaction(async (trx: TransactionClientContract) => {
        app.useTransaction(trx)
        await app.save()
        if (webhooks === undefined) return
        await AppWebhookSubscription.query({ client: trx }).where('app_id', app.id).delete()
        const unique = new Map(webhooks.map((hook) => [`${hook.topic} ${hook.url}`, hook]))
        if (unique.size > 0)
          await AppWebhookSubscription.createMany(
            [...unique.values()].map((hook) => ({ appId: app.id, ...hook })),
            { client: trx }
          )
      })
    } catch (error) {
      if (isUniqueViolation(error, 'apps_slug_key'))
        throw new AppSlugTakenException({ field: 'slug' })
      throw error
    }
  }
}

export const apps = new Apps()
