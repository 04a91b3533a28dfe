import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import env from '#start/env'
import { verifiedTokens } from '#tenancy/services/verified_tokens'
import { SECOND_FACTOR_ABILITY } from '#tenancy/services/second_factor_login'
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
import '#core/database/actor_context'

export type Actor = {
  /** The access token this request presented. */
  tokenId: string
  userId: string
  email: string
  platformRole: PlatformRole | null
  /** The merchant this token was issued for, and the holder's role there. */
  merchantId: string | null
  role: StaffRole | null
  /** Whether the token was issued after a second factor (the admin API needs it). */
  secondFactor: boolean
}

const appDomain = env.get('APP_DOMAIN')

const INVALID_TOKEN = 'Invalid or missing token'

/** The name of POST /api/v1/auth/logout (app/tenancy/routes.ts). */
const SIGN_OUT_ROUTE = 'auth.logout'

/**
 * Resolves who is calling and for which merchant, first match wins:
 * the staff token's merchant; the merchant slug in the path; the X-Merchant header; the subdomain.
 * A staff token of merchant A naming merchant B is a 403, never a switch. Runs the rest of the
 * request inside the tenant context. Mounted on every module's routes by the module gate
 * (module_gate_middleware.ts); the kernel's own routes and the browser apps' pages serve no tenant.
 */
export async function resolveTenant(ctx: HttpContext, next: NextFn) {
  const actor = ctx.request.header('authorization') ? await authenticate(ctx) : null
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

  // Explicit names (path, header) must agree with a staff token; the subdomain is only a fallback.
  const explicit = ctx.params.merchantSlug ?? ctx.request.header('x-merchant')
  const named = explicit ?? subdomain(ctx)
  let merchant: MerchantSnapshot | null = null
  // Memory first, synchronously: most requests find their merchant there and wait on nothing.
  if (actor?.merchantId) {
    merchant =
      merchantDirectory.peekById(actor.merchantId) ??
      (await merchantDirectory.byId(actor.merchantId))
    if (!merchant) throw new MerchantNotFoundException()
    if (explicit && !names(merchant, explicit)) throw new MerchantMismatchException()
  } else if (named) {
    merchant =
      merchantDirectory.peekByReference(named) ?? (await merchantDirectory.byReference(named))
    if (!merchant) throw new MerchantNotFoundException()
  }
  if (!merchant) return next()
  if (merchant.status === 'suspended') throw new MerchantSuspendedException()
  // Not live before its owner verified the address: unknown to anyone but its staff and support.
  // (`=== false`: a snapshot cached before the flag existed is a published merchant.)
  if (
    merchant.published === false &&
    actor?.merchantId !== merchant.id &&
    actor?.platformRole !== 'support'
  )
    throw new MerchantNotFoundException()

  const tenant = contextFromMerchant(merchant)
  ctx.tenant = tenant
  ctx.merchant = merchant
  ctx.logFields.merchant_id = merchant.id
  return runWithTenant(tenant, next)
}

/**
 * The bearer token, checked through the verified-token cache (services/verified_tokens.ts): no
 * database statement while it is cached, and no write ever. A token bound to a merchant whose holder
 * is no longer a member there speaks for the user alone.
 */
async function authenticate(ctx: HttpContext): Promise<Actor> {
  const [type, value] = (ctx.request.header('authorization') ?? '').split(' ')
  if (!value || type.toLowerCase() !== 'bearer') throw new UnauthorizedException(INVALID_TOKEN)
  const token = await verifiedTokens.verify(value)
  if (!token) throw new UnauthorizedException(INVALID_TOKEN)
  const member = token.merchantId !== null && token.role !== null
  return {
    tokenId: token.tokenId,
    userId: token.userId,
    email: token.email,
    platformRole: token.platformRole,
    merchantId: member ? token.merchantId : null,
    role: member ? token.role : null,
    secondFactor: token.abilities.includes(SECOND_FACTOR_ABILITY),
  }
}

function names(merchant: MerchantSnapshot, reference: string) {
  const ref = reference.toLowerCase()
  return merchant.id === ref || merchant.slug === ref
}

function subdomain(ctx: HttpContext): string | undefined {
  if (!appDomain) return undefined
  const host = ctx.request.hostname() ?? ''
  if (!host.endsWith(`.${appDomain}`)) return undefined
  const label = host.slice(0, -(appDomain.length + 1))
  return label && !label.includes('.') && label !== 'www' ? label : undefined
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    actor: Actor | null
    tenant?: TenantContext
    merchant?: MerchantSnapshot
  }
}
