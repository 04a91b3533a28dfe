import type { ApplicationService } from '@adonisjs/core/types'

/**
 * Boots the tenancy core for processes that serve tenants (HTTP server, tests, workers):
 * the shard map, feature flags, and cross-process cache invalidation.
 */
export default class TenancyProvider {
  constructor(protected app: ApplicationService) {}

  /**
   * Every model serialises snake_case, like the database and the rest of the API; every process
   * (server, worker, commands, tests) hands the acting user to PostgreSQL for the audit trail.
   */
  async boot() {
    const { BaseModel, SnakeCaseNamingStrategy } = await import('@adonisjs/lucid/orm')
    BaseModel.namingStrategy = new SnakeCaseNamingStrategy()
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
