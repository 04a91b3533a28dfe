import { TenantJob } from '#core/queue/tenant_job'
import type { ShardOperation } from '#tenancy/services/shard_operations'

/** A shard move, completion, rollback, rebalance or drain that support asked for over the admin API. */
export default class ShardOperationJob extends TenantJob<{
  merchantId: null
  operation: ShardOperation
  actorId: string | null
}> {
  static jobName = 'tenancy.shard_operation'
  static queueName = 'shards'

  async handle(payload: { merchantId: null; operation: ShardOperation; actorId: string | null }) {
    const { runOperation } = await import('#tenancy/services/shard_operations')
    await runOperation(payload.operation, payload.actorId)
  }
}
