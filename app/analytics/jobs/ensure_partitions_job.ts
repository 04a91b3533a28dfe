import { TenantJob } from '#core/queue/tenant_job'
import { partitionManager } from '#analytics/services/partition_manager'

/** Platform job (monthly): creates the coming months' partitions on every node. */
export default class EnsurePartitionsJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'analytics.ensure_partitions'
  static queueName = 'analytics'

  async handle() {
    const reports = await partitionManager.ensure()
    this.logger.info({ reports }, 'analytics partitions ensured')
  }
}
