/*
 * Domain event listeners: every module registers its own through the registry.
 */
import { bootModuleRegistry } from '#tenancy/index'

const registry = await bootModuleRegistry()
await registry.loadListeners()
