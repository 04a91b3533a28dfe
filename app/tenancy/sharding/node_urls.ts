/**
 * Reads the physical shard nodes from the environment.
 *
 * SHARD_NODE_URLS   "node0=postgres://...,node1=postgres://..." (names optional: nodeN by position).
 *                   Default: two nodes beside the control database, "<db>_node0" and "<db>_node1".
 * SHARD_REPLICA_URLS "node0=postgres://r1|postgres://r2,node1=..." read replicas per node (optional).
 */
export type ShardNodeSpec = { name: string; url: string; replicas: string[] }

export const DEFAULT_NODE_COUNT = 2

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
}

function parseNamedList(value: string): Array<[string | undefined, string]> {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = entry.match(/^([a-z][a-z0-9_]*)=(.+)$/i)
      return match ? [match[1], match[2]] : [undefined, entry]
    })
}

export function parseShardNodes(
  controlUrl: string,
  nodeUrls?: string,
  replicaUrls?: string
): ShardNodeSpec[] {
  const base = databaseName(controlUrl)
  const nodes: ShardNodeSpec[] = nodeUrls
    ? parseNamedList(nodeUrls).map(([name, url], index) => ({
        name: name ?? `node${index}`,
        url,
        replicas: [],
      }))
    : Array.from({ length: DEFAULT_NODE_COUNT }, (_, index) => ({
        name: `node${index}`,
        url: withDatabaseName(controlUrl, `${base}_node${index}`),
        replicas: [],
      }))

  for (const [name, urls] of parseNamedList(replicaUrls ?? '')) {
    const node = nodes.find((candidate) => candidate.name === name)
    if (!node) throw new Error(`SHARD_REPLICA_URLS names an unknown node "${name}"`)
    node.replicas = urls.split('|').filter(Boolean)
  }
  return nodes
}
