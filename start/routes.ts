/*
 * Routes: the kernel's own (health, metrics), then every module's, mounted by the registry
 * behind each module's gate.
 */
import router from '@adonisjs/core/services/router'
import { bootModuleRegistry } from '#tenancy/services/module_registry_service'
import { moduleGate } from '#tenancy/middleware/module_gate_middleware'

const HealthController = () => import('#core/http/health_controller')

router.get('/health', [HealthController, 'live'])
router.get('/ready', [HealthController, 'ready'])
router.get('/metrics', [HealthController, 'metrics'])

const registry = await bootModuleRegistry()
await registry.mountRoutes(router, moduleGate)
await import('#web/routes')
