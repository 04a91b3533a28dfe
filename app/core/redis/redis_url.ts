/**
 * Turns REDIS_URL (redis://[:password@]host:port[/db]) into ioredis options.
 */
export type RedisOptions = {
  host: string
  port: number
  password?: string
  username?: string
  db: number
}

export function parseRedisUrl(url: string): RedisOptions {
  const parsed = new URL(url)
  if (parsed.protocol !== 'redis:')
    throw new Error(`REDIS_URL must start with redis:// (got ${parsed.protocol})`)
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number(parsed.pathname.replace('/', '') || 0),
  }
}
