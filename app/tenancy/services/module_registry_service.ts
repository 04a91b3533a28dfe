import app from '@adonisjs/core/services/app'
import { ModuleRegistry } from '#tenancy/modules/module_registry'
import type { TenancyConfig } from '#tenancy/define_tenancy_config'

let registry: ModuleRegistry | undefined

/** Loads every module listed in config/tenancy.ts into the registry (once per process). */
export async function bootModuleRegistry(): Promise<ModuleRegistry> {
  if (!registry) {
    const config = app.config.get<TenancyConfig>('tenancy')
    const definitions = await Promise.all(
      config.modules.map(async (load) => {
        const { default: definition } = await load()
        return definition
      })
    )
    registry = new ModuleRegistry(definitions, config.tiers)
  }
  return registry
}

export function moduleRegistry(): ModuleRegistry {
  if (!registry) throw new Error('The module registry is not booted yet (tenancy provider)')
  return registry
}
