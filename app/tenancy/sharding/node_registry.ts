import db from '@adonisjs/lucid/services/db'
import encryption from '@adonisjs/core/services/encryption'
import logger from '@adonisjs/core/services/logger'
import { shardConnection, shardNodes } from '#config/database'
import { instrumentConnection } from '#core/observability/db_metrics'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

/**
 * Shard nodes registered at run time (`node ace shards:add-node`), beside those declared in
 * SHARD_NODE_URLS. Their URLs live in the control database's shard_nodes, encrypted with APP_KEY (a URL
 * carries a password: it is never logged, printed, returned or exported). Every process connects them
 * before it applies a shard map (ShardRouter.load) and when told a node was registered
 * (shard_map_signal.ts).
 */

/** Every node this process can reach, declared and registered: name -> URL. Kept current in place. */
const urls: Record<string, string> = Object.fromEntries(
  shardNodes.map((node) => [node.name, node.url])
)
/** The registered nodes this process connected. */
const connected = new Set<string>()

/** A node's URL (declared or registered), for the mover's own sessions. Never to be shown. */
export function nodeUrl(name: string): string | undefined {
  return urls[name]
}

/**
 * The URL of every node known to this process. The object is updated in place as nodes are
 * registered, so a mover or rebalancer holding it sees a node registered after it was built.
 */
export function nodeUrls(): Readonly<Record<string, string>> {
  return urls
}

export function isDeclaredNode(name: string): boolean {
  return shardNodes.some((node) => node.name === name)
}

const PURPOSE = 'shard_node_url'

/** The encrypted form kept in shard_nodes.encrypted_url. */
export function encryptNodeUrl(url: string): string {
  return encryption.encrypt(url, undefined, PURPOSE)
}

/** SQLSTATEs of a control database not yet migrated this far (no shard_nodes, or no URL column). */
const NOT_MIGRATED = new Set(['42P01', '42703'])

/** The registered nodes with their URLs, decrypted. */
export async function registeredNodes(): Promise<Array<{ name: string; url: string }>> {
  let rows: Array<{ name: string; encrypted_url: string }>
  try {
    rows = await db
      .connection('control')
      .from('shard_nodes')
      .whereNotNull('encrypted_url')
      .select('name', 'encrypted_url')
  } catch (error) {
    if (NOT_MIGRATED.has((error as { code?: string }).code ?? '')) return []
    throw error
  }
  return rows.flatMap((row) => {
    const url = encryption.decrypt<string>(row.encrypted_url, PURPOSE)
    if (typeof url === 'string') return [{ name: row.name, url }]
    logger.error({ node: row.name }, 'registered shard node URL cannot be decrypted (APP_KEY?)')
    return []
  })
}

/** Connects `name` at `url` (or points its connection there, when the URL changed) and routes to it. */
export function connectNode(router: ShardRouter, name: string, url: string) {
  if (isDeclaredNode(name)) return
  if (urls[name] !== url) {
    if (db.manager.has(name)) db.manager.patch(name, shardConnection(url))
    else db.manager.add(name, shardConnection(url))
    urls[name] = url
    instrumentConnection(name)
  }
  connected.add(name)
  router.addNode(name)
}

/** Drops a registered node from this process (router, connection, URL), unless it serves shards. */
export async function forgetNode(router: ShardRouter, name: string) {
  if (isDeclaredNode(name) || !router.removeNode(name)) return
  connected.delete(name)
  delete urls[name]
  if (db.manager.has(name)) await db.manager.release(name)
}

/**
 * Brings this process up to the registered nodes: connects new ones (and moved ones), forgets those
 * no longer registered that serve no shard.
 */
export async function syncRegisteredNodes(router: ShardRouter) {
  const nodes = await registeredNodes()
  for (const node of nodes) connectNode(router, node.name, node.url)
  const names = new Set(nodes.map((node) => node.name))
  for (const name of [...connected]) if (!names.has(name)) await forgetNode(router, name)
}
