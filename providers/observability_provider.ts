import type { ApplicationService } from '@adonisjs/core/types'

/** Sentry (only with SENTRY_DSN) and the metrics registry. */
export default class ObservabilityProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    const { default: env } = await import('#start/env')
    const { initSentry } = await import('#core/observability/sentry')
    initSentry({ dsn: env.get('SENTRY_DSN'), environment: this.app.nodeEnvironment })
    // Terminating hooks run before any provider's shutdown: sampling stops while the database is open.
    this.app.terminating(async () => {
      const { stopSampling } = await import('#core/observability/metrics')
      await stopSampling()
    })
  }

  async shutdown() {
    const { flushSentry } = await import('#core/observability/sentry')
    await flushSentry()
  }
}
