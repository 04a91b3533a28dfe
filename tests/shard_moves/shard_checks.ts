import { nodeUrl, nodeUrls as knownNodeUrls } from '#tenancy/index'
import { NodeLink } from '#tenancy/sharding/moves/node_link'
import { shardDigest, tenantTables } from '#tenancy/sharding/moves/shard_tables'

/**
 * What the shard-move tests read on the nodes themselves, beside the app's pools: the declared nodes and
 * those registered at run time (kept current as this process learns of them).
 */
export const nodeUrls = knownNodeUrls()

export async function withNode<T>(node: string, fn: (session: NodeLink) => Promise<T>): Promise<T> {
  const url = nodeUrl(node)
  if (!url) throw new Error(`${node} is not a node this process knows`)
  const session = new NodeLink(node, url)
  try {
    return await fn(session)
  } finally {
    await session.close()
  }
}

/** Per tenant table: rows and checksum of the shard on the node (the moves' own markers aside). */
export function shardDigests(node: string, shard: number) {
  return withNode(node, async (session) => {
    const result: Record<string, { rows: number; checksum: string }> = {}
    for (const table of await tenantTables(session))
      if (table.name !== 'shard_move_markers')
        result[table.name] = await shardDigest(session, table, shard)
    return result
  })
}

/** What a move may leave behind on a node: none of it once the move is over. */
export function leftovers(node: string) {
  return withNode(node, (session) =>
    session.one(`SELECT
      (SELECT count(*)::int FROM pg_publication) AS publications,
      (SELECT count(*)::int FROM pg_subscription) AS subscriptions,
      (SELECT count(*)::int FROM pg_replication_slots) AS slots,
      (SELECT count(*)::int FROM shard_fences) AS fences,
      (SELECT count(*)::int FROM pg_trigger WHERE tgname LIKE 'shard_fence%') AS fence_triggers,
      (SELECT count(*)::int FROM pg_class WHERE relreplident = 'f') AS identity_full`)
  )
}

export const NOTHING_LEFT = {
  publications: 0,
  subscriptions: 0,
  slots: 0,
  fences: 0,
  fence_triggers: 0,
  identity_full: 0,
}
