import client from 'prom-client'

/**
 * One Prometheus registry for the process. Modules add their own metrics with
 * `metrics.counter(...)` etc.; the same name returns the same metric (safe on hot reload).
 */
export const registry = new client.Registry()
registry.setDefaultLabels({ app: 'gudbro' })
client.collectDefaultMetrics({ register: registry })

function existing<T>(name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined
}

export const metrics = {
  registry,
  counter<L extends string>(config: client.CounterConfiguration<L>) {
    return existing<client.Counter<L>>(config.name) ?? new client.Counter({ ...config, registers: [registry] })
  },
  gauge<L extends string>(config: client.GaugeConfiguration<L>) {
    return existing<client.Gauge<L>>(config.name) ?? new client.Gauge({ ...config, registers: [registry] })
  },
  histogram<L extends string>(config: client.HistogramConfiguration<L>) {
    return existing<client.Histogram<L>>(config.name) ?? new client.Histogram({ ...config, registers: [registry] })
  },
}

export const httpRequestDuration = metrics.histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.3, 0.5, 1, 2, 5],
})

export const budgetExceededTotal = metrics.counter({
  name: 'performance_budget_exceeded_total',
  help: 'Requests slower than their performance budget (seed 3.4, p99 threshold)',
  labelNames: ['category', 'route'],
})

export const rateLimitRejectionsTotal = metrics.counter({
  name: 'rate_limit_rejections_total',
  help: 'Requests refused by a rate limiter',
  labelNames: ['limiter'],
})

export const dbQueryDuration = metrics.histogram({
  name: 'db_query_duration_seconds',
  help: 'Database query time by connection',
  labelNames: ['connection'],
  buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.15, 0.3, 1],
})
