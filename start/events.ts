/*
 * Domain event listeners: every module registers its own through the registry.
 */
import { bootModuleRegistry } from '#tenancy/services/module_registry_service'

const registry = await bootModuleRegistry()
await registry.loadListeners()
