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
      retryStrategy(times: number) {
        return times > 10 ? null : times * 50
      },
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}
