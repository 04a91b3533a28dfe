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
    return (
      existing<client.Counter<L>>(config.name) ??
      new client.Counter({ ...config, registers: [registry] })
    )
  },
  gauge<L extends string>(config: client.GaugeConfiguration<L>) {
    return (
      existing<client.Gauge<L>>(config.name) ??
      new client.Gauge({ ...config, registers: [registry] })
    )
  },
  histogram<L extends string>(config: client.HistogramConfiguration<L>) {
    return (
      existing<client.Histogram<L>>(config.name) ??
      new client.Histogram({ ...config, registers: [registry] })
    )
  },
  /**
   * A counter for hot paths: a child's inc() adds to a plain number, which reaches prom-client when
   * the registry is collected (a scrape). prom-client hashes the labels on every increment, a
   * measurable share of a cache hit (benchmarks/menu.ts). Children are made once, up front.
   */
  tally<L extends string>(config: Omit<client.CounterConfiguration<L>, 'collect'>) {
    const children: Array<{ labels: Partial<Record<L, string>>; count: number }> = []
    metrics.counter<L>({
      ...config,
      collect() {
        for (const child of children) {
          if (child.count === 0) continue
          this.inc(child.labels, child.count)
          child.count = 0
        }
      },
    })
    return {
      child(labels: Partial<Record<L, string>>) {
        const child = { labels, count: 0 }
        children.push(child)
        return {
          inc() {
            child.count++
          },
        }
      },
    }
  },
  /**
   * A gauge whose value costs a query (row counts, queue lengths). It is sampled on a timer, never at
   * scrape time, so a scrape costs no query; the timers start with the first scrape (a process nobody
   * scrapes, such as a worker, never samples).
   */
  sampled<L extends string>(
    config: Omit<client.GaugeConfiguration<L>, 'collect'> & {
      sample: (gauge: client.Gauge<L>) => Promise<void>
    }
  ) {
    const { sample, ...gaugeConfig } = config
    const gauge = metrics.gauge(gaugeConfig)
    samplers.set(config.name, () => sample(gauge))
    if (sampling) void runSampler(config.name)
    return gauge
  },
}

/** How often sampled gauges are refreshed: a little below the usual 15 s scrape interval. */
export const SAMPLE_EVERY_MS = 10_000

const samplers = new Map<string, () => Promise<void>>()
const inFlight = new Map<string, Promise<void>>()
let sampling: Promise<void> | undefined
let timer: NodeJS.Timeout | undefined
let stopped = false

function runSampler(name: string) {
  // One sample at a time per gauge (a slow database does not pile them up); a failed sample (database
  // or Redis down) keeps the last values rather than failing the scrape.
  let running = inFlight.get(name)
  if (!running) {
    running = (samplers.get(name)?.() ?? Promise.resolve())
      .catch(() => {})
      .finally(() => inFlight.delete(name))
    inFlight.set(name, running)
  }
  return running
}

/** Runs every sampler now (none once the process is shutting down). */
export async function sampleNow() {
  if (stopped) return
  await Promise.all([...samplers.keys()].map(runSampler))
}

/** Starts the sampling timer (once) and resolves when the first round is in. */
export function startSampling() {
  sampling ??= sampleNow().then(() => {
    if (!stopped) timer = setInterval(() => void sampleNow(), SAMPLE_EVERY_MS).unref()
  })
  return sampling
}

/**
 * Stops sampling and waits for the samples under way: at shutdown, before the database and Redis close.
 * A sample after that would open new connections, which keep the process alive
 * (providers/observability_provider.ts).
 */
export async function stopSampling() {
  stopped = true
  clearInterval(timer)
  await Promise.all(inFlight.values())
}

export const httpRequestDuration = metrics.histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.3, 0.5, 1, 2, 5],
})

export const budgetExceededTotal = metrics.counter({
  name: 'performance_budget_exceeded_total',
  help: 'Requests slower than their performance budget (p99 threshold)',
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
