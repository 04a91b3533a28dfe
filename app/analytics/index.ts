/**
 * The analytics module's public surface. Other modules import from here only.
 */
export type { OrderCreated, AiInsightGenerated } from '#analytics/events'
export { CLIENT_EVENT_TYPES } from '#analytics/event_types'
export type { AnalyticsEventType, ClientEventType } from '#analytics/event_types'
export { dashboardQuery } from '#analytics/services/dashboard_query'
export type { Dashboard, DayFigures } from '#analytics/services/dashboard_query'
export { topItemsFromJson, withCatalogNames } from '#analytics/services/dashboard_query'
export type { TopItem } from '#analytics/services/dashboard_query'
export { addDays, isDay, localToday, daysBetween } from '#analytics/services/local_days'
export { TICK_CRON, merchantsReachingLocalHour } from '#analytics/services/local_clock_schedule'
export { dailyAggregator } from '#analytics/services/daily_aggregator'
export { partitionManager } from '#analytics/services/partition_manager'
