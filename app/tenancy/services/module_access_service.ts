import db from '@adonisjs/lucid/services/db'
import ModuleOverride from '#tenancy/models/module_override'
import { moduleRegistry } from '#tenancy/services/module_registry_service'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { accessRevocations } from '#core/revocation/access_revocations'
import {
  InvalidModuleException,
  MerchantNotFoundException,
  ModuleDependencyException,
} from '#tenancy/exceptions'
import type { MerchantSnapshot } from '#tenancy/types'

export type ModuleStatus = {
  module: string
  enabled: boolean
  source: 'core' | 'tier' | 'override' | 'off'
  depends_on: string[]
  reason: string | null
}

/**
 * Per-merchant module switches: one service behind the ace commands and the admin API.
 */
export class ModuleAccessService {
  async resolve(reference: string): Promise<MerchantSnapshot> {
    const merchant = await merchantDirectory.byReference(reference)
    if (!merchant) throw new MerchantNotFoundException(`No merchant with id or slug "${reference}"`)
    return merchant
  }

  async list(reference: string): Promise<{ merchant: MerchantSnapshot; modules: ModuleStatus[] }> {
    const merchant = await this.resolve(reference)
    const registry = moduleRegistry()
    const overrides = await ModuleOverride.query().where('merchant_id', merchant.id)
    const tierModules = registry.tierModules(merchant.tier)
    const modules = registry.ordered().map((module) => {
      const override = overrides.find((o) => o.module === module.name)
      const enabled = merchant.modules.includes(module.name)
      const source = module.core
        ? 'core'
        : override
          ? 'override'
          : tierModules.includes(module.name)
            ? 'tier'
            : 'off'
      return {
        module: module.name,
        enabled,
        source: enabled || override ? source : 'off',
        depends_on: [...(module.dependsOn ?? [])],
        reason:
          override?.reason ??
          (!enabled && !tierModules.includes(module.name) ? `not in tier ${merchant.tier}` : null),
      } satisfies ModuleStatus
    })
    return { merchant, modules }
  }

  async enable(reference: string, module: string, actor?: { userId?: string; reason?: string }) {
    const merchant = await this.resolve(reference)
    const definition = this.#definition(module)
    const missing = (definition.dependsOn ?? []).filter((d) => !merchant.modules.includes(d))
    if (missing.length) {
      throw new ModuleDependencyException(
        `"${module}" needs ${missing.map((m) => `"${m}"`).join(', ')} enabled first`
      )
    }
    await this.#setOverride(merchant, module, true, actor)
    return merchantDirectory.byId(merchant.id)
  }

  async disable(reference: string, module: string, actor?: { userId?: string; reason?: string }) {
    const merchant = await this.resolve(reference)
    const definition = this.#definition(module)
    if (definition.core)
      throw new InvalidModuleException(`"${module}" is a core module and cannot be disabled`)
    const dependents = moduleRegistry().enabledDependents(module, merchant.modules)
    if (dependents.length) {
      throw new ModuleDependencyException(
        `Cannot disable "${module}": ${dependents.map((m) => `"${m}"`).join(', ')} depend${dependents.length === 1 ? 's' : ''} on it`
      )
    }
    await this.#setOverride(merchant, module, false, actor)
    // What serves this module live (customers' tracking and chat sockets) is closed in every process.
    await accessRevocations.publish({ reason: 'module_disabled', merchantId: merchant.id, module })
    return merchantDirectory.byId(merchant.id)
  }

  #definition(module: string) {
    const definition = moduleRegistry().get(module)
    if (!definition) {
      const known = moduleRegistry()
        .ordered()
        .map((m) => m.name)
        .join(', ')
      throw new InvalidModuleException(`Unknown module "${module}" (known: ${known})`, {
        field: 'module',
      })
    }
    return definition
  }

  async #setOverride(
    merchant: MerchantSnapshot,
    module: string,
    enabled: boolean,
    actor?: { userId?: string; reason?: string }
  ) {
    await db.connection('control').rawQuery(
      `INSERT INTO merchant_module_overrides (merchant_id, module, enabled, reason, updated_by, updated_at)
       VALUES (?, ?, ?, ?, ?, now())
       ON CONFLICT (merchant_id, module) DO UPDATE
       SET enabled = excluded.enabled, reason = excluded.reason, updated_by = excluded.updated_by, updated_at = now()`,
      [merchant.id, module, enabled, actor?.reason ?? null, actor?.userId ?? null] as any[]
    )
    await merchantDirectory.invalidate(merchant)
  }
}

export const moduleAccess = new ModuleAccessService()
