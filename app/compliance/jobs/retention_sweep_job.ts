import { TenantJob } from '#core/queue/tenant_job'

/**
 * Platform job (no merchant), daily and whenever a worker starts: runs the GDPR hard deletes that are
 * due and creates the audit log's coming monthly partitions on every database.
 */
export default class RetentionSweepJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'compliance.retention_sweep'
  static queueName = 'compliance'

  async handle() {
    const { hardDeletes } = await import('#compliance/services/hard_delete_service')
    const { ensureAuditPartitions } = await import('#compliance/services/audit_log_service')
    await ensureAuditPartitions()
    const { requests, rows } = await hardDeletes.runDue()
    if (requests > 0) this.logger.info({ requests, rows }, 'GDPR hard deletes done')
  }
}
