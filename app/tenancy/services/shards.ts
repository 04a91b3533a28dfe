import app from '@adonisjs/core/services/app'
import { ShardRouter } from '#tenancy/sharding/shard_router'
import { shardNodes } from '#config/database'
import { syncRegisteredNodes } from '#tenancy/sharding/node_registry'
import type { TenancyConfig } from '#tenancy/define_tenancy_config'

const tenancyConfig = app.config.get<TenancyConfig>('tenancy')

/**
 * The process-wide shard router (shard_map is loaded by the tenancy provider): the declared nodes, and
 * the registered ones, connected on every load.
 */
export const shardRouter = new ShardRouter(
  tenancyConfig.shardCount,
  shardNodes.map((node) => node.name),
  { discoverNodes: syncRegisteredNodes }
)

/** The query client for the current tenant's data: `tenantDb()` reads, `tenantDb('write')` writes. */
export function tenantDb(intent: 'read' | 'write' = 'read') {
  return shardRouter.client(intent)
}

/**
 * The current tenant's rows from one plain read statement, straight on the driver (ShardRouter.readRows):
 * for read paths every screen hits; everything else uses `tenantDb()`.
 */
export function readRows<Row>(text: string, values: unknown[]): Promise<Row[]> {
  return shardRouter.readRows<Row>(text, values)
}
