import vine from '@vinejs/vine'

/** ?days=1..90 (the materialized view keeps 90 days); 30 when absent. */
export const dashboardValidator = vine.compile(
  vine.object({ days: vine.number().withoutDecimals().range([1, 90]).optional() })
)
