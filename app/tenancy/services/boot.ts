import db from '@adonisjs/lucid/services/db'
import { shardRouter } from '#tenancy/services/shards'
import { featureFlags } from '#tenancy/services/feature_flags'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { bootModuleRegistry } from '#tenancy/services/module_registry_service'
import { getTenant } from '#tenancy/context/tenant_context'
import { instrumentDatabase } from '#core/observability/db_metrics'
import { metrics } from '#core/observability/metrics'

const READ_ONLY = /^\s*(select|with\b[\s\S]*\bselect|show|explain)\b/i

let booted: Promise<void> | undefined

/**
 * Everything a tenant-serving process needs before it takes work. Idempotent.
 */
export function bootTenancy(): Promise<void> {
  booted ??= (async () => {
    await bootModuleRegistry()
    await shardRouter.load()
    await featureFlags.init()
    await merchantDirectory.listen()
    watchWritesOnReplicatedNodes()
    instrumentDatabase()
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
  return booted
}

/**
 * Read-your-writes for writes that did not go through tenantDb('write') (raw queries, model
 * query builders): any write statement on a node's primary marks the node for this unit of work.
 */
function watchWritesOnReplicatedNodes() {
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
