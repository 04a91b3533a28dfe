import redis from '@adonisjs/redis/services/main'
import logger from '@adonisjs/core/services/logger'

/**
 * Tells every process that shard_map changed (a move switched or rolled back a shard), so it reads the
 * map again at once. Losing a message is safe: the old node's fence refuses writes (GB503), and the router
 * then reads the map itself (app/tenancy/sharding/shard_router.ts). Redis pub/sub ignores the database
 * number, so the channel carries it, as for access revocations (app/core/revocation/access_revocations.ts).
 */
function channel() {
  return `shard_map:changed:db${redis.connection('main').ioConnection.options.db ?? 0}`
}

/**
 * `nodes`: a shard node was registered (or its registration changed): every process connects the
 * registered nodes, whether or not the map's version moved.
 */
export async function publishShardMapChange(version: number, options: { nodes?: boolean } = {}) {
  try {
    const message = options.nodes ? { version, nodes: true } : { version }
    await redis.connection('main').publish(channel(), JSON.stringify(message))
  } catch (error) {
    logger.warn({ err: error }, 'shard map change not published: processes find it at the fence')
  }
}

let listening: Promise<void> | undefined

/**
 * Calls `reload` whenever another process (or this one) changes the map or registers a node (`nodes`
 * true); resolves once subscribed.
 */
export function listenForShardMapChanges(
  reload: (version: number, nodes: boolean) => Promise<void>
): Promise<void> {
  listening ??= new Promise<void>((resolve, reject) => {
    redis.connection('main').subscribe(
      channel(),
      (message: string) => {
        const parsed = JSON.parse(message) as { version?: unknown; nodes?: unknown }
        reload(Number(parsed.version), parsed.nodes === true).catch((error) =>
          logger.error({ err: error }, 'shard map not reloaded')
        )
      },
      { onSubscription: () => resolve(), onError: (error) => reject(error) }
    )
  }).catch((error) => {
    listening = undefined
    throw error
  })
  return listening
}
