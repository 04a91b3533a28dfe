import { randomUUID } from 'node:crypto'
import type { RedisConnection } from '@adonisjs/redis'

// Deletes the lock only if we still own it, so a slow holder never releases someone else's lock.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

/**
 * A short Redis lock (SET NX PX) shared by every process. Used to let one process rebuild a cold
 * cache entry while the others wait for its result instead of hitting the database too.
 */
export class RedisLock {
  constructor(private redis: RedisConnection) {}

  /** Returns a release function when the lock was taken, null when another process holds it. */
  async tryAcquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const token = randomUUID()
    const taken = await this.redis.set(key, token, 'PX', ttlMs, 'NX')
    if (taken !== 'OK') return null
    return async () => {
      await this.redis.eval(RELEASE, 1, key, token).catch(() => {})
    }
  }

  async isHeld(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1
  }
}
