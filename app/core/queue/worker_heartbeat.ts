import { hostname } from 'node:os'
import type { RedisConnection } from '@adonisjs/redis'

const KEY = 'queue:worker_heartbeat'
const BEAT_EVERY_MS = 5_000
/** A heartbeat older than this means no worker is alive (three missed beats). */
export const HEARTBEAT_FRESH_MS = 15_000

/**
 * The queue worker's sign of life for /ready: every few seconds it sets one Redis key that expires after
 * HEARTBEAT_FRESH_MS. Any live worker keeps it; when the last one dies the key is gone within 15 s.
 * An expiring key (rather than timestamps compared across machines) is immune to clock skew.
 */
export function startWorkerHeartbeat(redis: RedisConnection, onError: (error: Error) => void) {
  const id = `${hostname()}:${process.pid}`
  const beat = () => redis.set(KEY, id, 'PX', HEARTBEAT_FRESH_MS).catch(onError)
  void beat()
  const timer = setInterval(beat, BEAT_EVERY_MS)
  return () => clearInterval(timer)
}

/** True when some worker beat within HEARTBEAT_FRESH_MS. */
export async function workerHeartbeatFresh(redis: RedisConnection) {
  return (await redis.exists(KEY)) === 1
}
