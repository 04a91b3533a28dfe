import app from '@adonisjs/core/services/app'
import { ShardRouter } from '#tenancy/sharding/shard_router'
import { shardNodes } from '#config/database'
import type { TenancyConfig } from '#tenancy/define_tenancy_config'

const tenancyConfig = app.config.get<TenancyConfig>('tenancy')

/** The process-wide shard router (shard_map is loaded by the tenancy provider). */
export const shardRouter = new ShardRouter(
  tenancyConfig.shardCount,
  shardNodes.map((node) => node.name)
)

/** The query client for the current tenant's data: `tenantDb()` reads, `tenantDb('write')` writes. */
export function tenantDb(intent: 'read' | 'write' = 'read') {
  return shardRouter.client(intent)
}
