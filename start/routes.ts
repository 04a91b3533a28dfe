/*
 * Routes: the kernel's own (health, metrics), then every module's, mounted by the registry
 * behind each module's gate.
 */
import router from '@adonisjs/core/services/router'
import { bootModuleRegistry, moduleGate } from '#tenancy/index'
import { kernelRoutes } from '#core/http/kernel_routes'
import { oauthRoutes } from '#marketplace/index'

kernelRoutes(router)
oauthRoutes(router)

const registry = await bootModuleRegistry()
await registry.mountRoutes(router, moduleGate)
await import('#web/routes')
