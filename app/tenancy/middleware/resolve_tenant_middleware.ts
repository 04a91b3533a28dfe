import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import env from '#start/env'
import Membership from '#tenancy/models/membership'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import {
  contextFromMerchant,
  runWithTenant,
  type TenantContext,
} from '#tenancy/context/tenant_context'
import {
  MerchantMismatchException,
  MerchantNotFoundException,
  MerchantSuspendedException,
} from '#tenancy/exceptions'
import type { MerchantSnapshot, PlatformRole, StaffRole } from '#tenancy/types'
import { UnauthorizedException } from '#core/exceptions/http_errors'
import { KERNEL_PATHS } from '#core/http/kernel_routes'
import '#core/database/actor_context'

export type Actor = {
  userId: string
  email: string
  platformRole: PlatformRole | null
  /** The merchant this token was issued for, and the holder's role there. */
  merchantId: string | null
  role: StaffRole | null
}

const appDomain = env.get('APP_DOMAIN')

/** The name of POST /api/v1/auth/logout (app/tenancy/routes.ts). */
const SIGN_OUT_ROUTE = 'auth.logout'

/**
 * Resolves who is calling and for which merchant, first match wins:
 * the staff token's merchant; the merchant slug in the path; the X-Merchant header; the subdomain.
 * A staff token of merchant A naming merchant B is a 403, never a switch. Runs the rest of the
 * request inside the tenant context.
 */
export default class ResolveTenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (KERNEL_PATHS.has(ctx.route!.pattern)) return next()
    const actor = ctx.request.header('authorization') ? await this.#authenticate(ctx) : null
    ctx.actor = actor
    // Every write of this request carries who made it (the audit trigger reads it, transaction-local).
    ctx.auditActor = {
      id: actor?.userId ?? null,
      type: actor
        ? actor.platformRole === 'support' && !actor.merchantId
          ? 'support'
          : 'user'
        : 'system',
      requestId: ctx.requestId,
      ip: ctx.request.ip(),
      userAgent: ctx.request.header('user-agent'),
    }
    // Signing out needs no merchant, so it works for a suspended (or deleted) merchant's staff too.
    if (ctx.route?.name === SIGN_OUT_ROUTE) return next()
    return this.#resolve(ctx, actor, next)
  }

  async #resolve(ctx: HttpContext, actor: Actor | null, next: NextFn) {
    // Explicit names (path, header) must agree with a staff token; the subdomain is only a fallback.
    const explicit = ctx.params.merchantSlug ?? ctx.request.header('x-merchant')
    const named = explicit ?? this.#subdomain(ctx)
    let merchant: MerchantSnapshot | null = null
    if (actor?.merchantId) {
      merchant = await merchantDirectory.byId(actor.merchantId)
      if (!merchant) throw new MerchantNotFoundException()
      if (explicit && !this.#names(merchant, explicit)) throw new MerchantMismatchException()
    } else if (named) {
      merchant = await merchantDirectory.byReference(named)
      if (!merchant) throw new MerchantNotFoundException()
    }
    if (!merchant) return next()
    if (merchant.status === 'suspended') throw new MerchantSuspendedException()

    const tenant = contextFromMerchant(merchant)
    ctx.tenant = tenant
    ctx.merchant = merchant
    ctx.bindLog({ merchant_id: merchant.id })
    return runWithTenant(tenant, () => next())
  }

  async #authenticate(ctx: HttpContext): Promise<Actor> {
    const user = await ctx.auth
      .use('api')
      .authenticate()
      .catch((error) => {
        // A token whose id part is not a number makes the token lookup fail in PostgreSQL (22P02).
        if (error?.code === '22P02') throw new UnauthorizedException('Invalid or missing token')
        throw error
      })
    const abilities = user.currentAccessToken.abilities
    const merchantId =
      abilities.find((a) => a.startsWith('merchant:'))?.slice('merchant:'.length) ?? null
    let role: StaffRole | null = null
    if (merchantId) {
      // The membership is re-read on every request: revoking it takes effect at once.
      const membership = await Membership.query()
        .where({ user_id: user.id, merchant_id: merchantId })
        .first()
      if (!membership) {
        return {
          userId: user.id,
          email: user.email,
          platformRole: user.platformRole,
          merchantId: null,
          role: null,
        }
      }
      role = membership.role
    }
    return { userId: user.id, email: user.email, platformRole: user.platformRole, merchantId, role }
  }

  #names(merchant: MerchantSnapshot, reference: string) {
    const ref = reference.toLowerCase()
    return merchant.id === ref || merchant.slug === ref
  }

  #subdomain(ctx: HttpContext): string | undefined {
    if (!appDomain) return undefined
    const host = ctx.request.hostname() ?? ''
    if (!host.endsWith(`.${appDomain}`)) return undefined
    const label = host.slice(0, -(appDomain.length + 1))
    return label && !label.includes('.') && label !== 'www' ? label : undefined
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    actor: Actor | null
    tenant?: TenantContext
    merchant?: MerchantSnapshot
  }
}
