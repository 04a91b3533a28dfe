import { TenantJob } from '#core/queue/tenant_job'
import { summaryView } from '#analytics/services/summary_view'

/** Platform job (hourly): REFRESH MATERIALIZED VIEW CONCURRENTLY mv_merchant_daily_summary on every node. */
export default class RefreshSummaryViewJob extends TenantJob<{ merchantId: null }> {
  static jobName = 'analytics.refresh_summary_view'
  static queueName = 'analytics'

  async handle() {
    const results = await summaryView.refreshAll()
    this.logger.info({ results }, 'mv_merchant_daily_summary refreshed')
  }
}
