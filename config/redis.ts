import env from '#start/env'
import { defineConfig } from '@adonisjs/redis'
import type { InferConnections } from '@adonisjs/redis/types'
import { parseRedisUrl } from '#core/redis/redis_url'

const redisOptions = parseRedisUrl(env.get('REDIS_URL'))

const redisConfig = defineConfig({
  connection: 'main',
  connections: {
    // Cache, merchant lookups, limiter, pub/sub.
    main: {
      ...redisOptions,
      keyPrefix: '',
      // Reconnect for as long as Redis is away (a restart must not leave this process without Redis for
      // good), and fail a command after one failed reconnect instead of queueing it: the request answers
      // 503 (app/core/exceptions/dependency_unavailable.ts) rather than hanging.
      retryStrategy(times: number) {
        return Math.min(times * 100, 1000)
      },
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}
