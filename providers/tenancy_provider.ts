import type { ApplicationService } from '@adonisjs/core/types'

/**
 * Boots the tenancy core for processes that serve tenants (HTTP server, tests, workers):
 * the shard map, feature flags, and cross-process cache invalidation.
 */
export default class TenancyProvider {
  constructor(protected app: ApplicationService) {}

  /**
   * Every process (server, worker, commands, tests) hands the acting user to PostgreSQL for the
   * audit trail. Models keep Lucid's camelCase serialisation: the wire serializer
   * (app/core/http/json_keys.ts) writes snake_case.
   */
  async boot() {
    const { installActorSession } = await import('#core/database/actor_session')
    installActorSession()
  }

  async ready() {
    if (this.app.getEnvironment() !== 'web' && this.app.getEnvironment() !== 'test') return
    const { bootTenancy } = await import('#tenancy/index')
    await bootTenancy()
  }

  async shutdown() {
    const { featureFlags } = await import('#tenancy/index')
    await featureFlags.shutdown()
  }
}
