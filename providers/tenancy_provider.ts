import type { ApplicationService } from '@adonisjs/core/types'
import type { Database } from '@adonisjs/lucid/database'
import type { getTenant as GetTenant, shardRouter as ShardRouter } from '#tenancy/index'

const READ_ONLY = /^\s*(select|with\b[\s\S]*\bselect|show|explain)\b/i

let started: Promise<void> | undefined

/**
 * Everything a process that serves tenants needs before it takes work, once per process: the module
 * registry, the shard map, feature flags, cross-process invalidation of the merchant directory,
 * read-your-writes on replicated nodes, database metrics and the active-merchants gauge.
 *
 * The provider runs it when the app is ready in the web and test environments. In the console
 * environment it is not automatic (migrations run before the tables it reads exist, and most
 * commands need none of it): the ace commands and seeders that serve tenants (queue:work, gdpr:*,
 * archive:run, the demo seeders) and the benchmarks call it first.
 */
export function serveTenants(): Promise<void> {
  started ??= (async () => {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const {
      bootModuleRegistry,
      shardRouter,
      featureFlags,
      merchantDirectory,
      getTenant,
      listenForShardMapChanges,
      registerShardMoveMetrics,
      syncRegisteredNodes,
    } = await import('#tenancy/index')
    const { instrumentDatabase } = await import('#core/observability/db_metrics')
    const { metrics } = await import('#core/observability/metrics')

    await bootModuleRegistry()
    await shardRouter.load()
    // A registered node is connected by load(); without a new version, by the registry alone.
    await listenForShardMapChanges(async (version, nodes) => {
      if (version > shardRouter.version) await shardRouter.load()
      else if (nodes) await syncRegisteredNodes(shardRouter)
    })
    await featureFlags.init()
    await merchantDirectory.listen()
    watchWritesOnReplicatedNodes(db, shardRouter, getTenant)
    const { checkReadinessOf } = await import('#core/http/health_controller')
    const { default: app } = await import('@adonisjs/core/services/app')
    const configured = Object.keys(app.config.get<Record<string, unknown>>('database.connections'))
    checkReadinessOf(() => [
      ...configured,
      ...shardRouter
        .nodes()
        .filter((node) => !configured.includes(node) && shardRouter.shardsOn(node).length > 0),
    ])
    instrumentDatabase()
    registerShardMoveMetrics(shardRouter)
    metrics.sampled({
      name: 'active_merchants',
      help: 'Merchants with status active (sampled on a timer)',
      async sample(gauge) {
        const row = await db
          .connection('control')
          .from('merchants')
          .where('status', 'active')
          .count('* as total')
          .first()
        gauge.set(Number(row?.total ?? 0))
      },
    })
  })()
  return started
}

/**
 * Read-your-writes for writes that did not go through tenantDb('write') (raw queries, model
 * query builders): any write statement on a node's primary marks the node for this unit of work.
 */
function watchWritesOnReplicatedNodes(
  db: Database,
  shardRouter: typeof ShardRouter,
  getTenant: typeof GetTenant
) {
  for (const name of shardRouter.nodes()) {
    const connection = db.manager.get(name)
    if (!connection?.config.replicas) continue
    db.manager.connect(name)
    connection.connection!.client!.on('query', (query: { method?: string; sql?: string }) => {
      const write =
        query.method === 'raw'
          ? !READ_ONLY.test(query.sql ?? '')
          : !['select', 'first', 'pluck'].includes(query.method ?? '')
      if (write) getTenant()?.wroteTo.add(name)
    })
  }
}

/**
 * The tenancy core's process wiring: the audit actor session in every process, and the tenant
 * runtime (serveTenants above) in the processes that serve tenants.
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

  /** After the routes and listeners are loaded (preloads) and, in web, once the server listens. */
  async ready() {
    if (this.app.getEnvironment() !== 'web' && this.app.getEnvironment() !== 'test') return
    await serveTenants()
  }

  async shutdown() {
    const { featureFlags } = await import('#tenancy/index')
    await featureFlags.shutdown()
  }
}
