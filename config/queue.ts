import env from '#start/env'
import { defineConfig } from '@rlanz/bull-queue'
import { parseRedisUrl } from '#core/redis/redis_url'

/**
 * BullMQ through @rlanz/bull-queue. Jobs keep a stable name (see app/core/queue/tenant_job.ts),
 * retry with exponential backoff (jitter is added by our backoff strategy) and are kept for a while
 * for inspection. Redis for queues must run with maxmemory-policy noeviction.
 */
export default defineConfig({
  defaultConnection: { ...parseRedisUrl(env.get('REDIS_URL')), maxRetriesPerRequest: null },
  queue: {},
  worker: {},
  jobs: {
    attempts: 5,
    backoff: { type: 'jitter', delay: 1000 },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  },
})
