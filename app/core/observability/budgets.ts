/**
 * Performance budgets, in milliseconds. A request slower than its category's p99
 * is counted in performance_budget_exceeded_total; the histograms let Grafana check p50/p95.
 */
export const PerformanceBudgets = {
  api: {
    default: { p50: 100, p95: 300, p99: 500 },
    menu: { p50: 50, p95: 150, p99: 300 },
    orders: { p50: 100, p95: 300, p99: 500 },
    ai: { p50: 500, p95: 2000, p99: 5000 },
  },
  database: {
    simple: { p50: 5, p95: 20, p99: 50 },
    complex: { p50: 50, p95: 150, p99: 300 },
    aggregate: { p50: 100, p95: 500, p99: 1000 },
  },
} as const

export type ApiBudgetCategory = keyof typeof PerformanceBudgets.api

export function exceedsBudget(category: ApiBudgetCategory, durationMs: number): boolean {
  return durationMs > PerformanceBudgets.api[category].p99
}
