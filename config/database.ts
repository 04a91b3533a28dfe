import env from '#start/env'
import { readdirSync, existsSync } from 'node:fs'
import { defineConfig } from '@adonisjs/lucid'
import type { PostgreConfig } from '@adonisjs/lucid/types/database'
import { parseShardNodes } from '#tenancy/sharding/node_urls'

/**
 * Two kinds of physical database:
 * - `control`: the directory (merchants, users, memberships, tokens, shard_map, module overrides);
 * - shard nodes (`node0`, `node1`, ...): every tenant row, placed by the shard_map.
 * Each module keeps its migrations in database/migrations/<module>/{control,shard}.
 */
const MIGRATIONS_ROOT = new URL('../database/migrations/', import.meta.url)

function migrationPaths(kind: 'control' | 'shard'): string[] {
  if (!existsSync(MIGRATIONS_ROOT)) return []
  return (
    readdirSync(MIGRATIONS_ROOT, { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(new URL(`${entry.name}/${kind}`, MIGRATIONS_ROOT))
      )
      .map((entry) => entry.name)
      // The tenancy core first (it installs the shard functions every tenant table uses), then by name.
      .sort((a, b) => Number(b === 'tenancy') - Number(a === 'tenancy') || a.localeCompare(b))
      .map((name) => `database/migrations/${name}/${kind}`)
  )
}

const pool = { min: env.get('DB_POOL_MIN', 0), max: env.get('DB_POOL_MAX', 10) }

function connection(url: string, replicas: string[], kind: 'control' | 'shard'): PostgreConfig {
  return {
    client: 'pg',
    connection: { connectionString: url },
    pool,
    replicas: replicas.length
      ? {
          write: { connection: { connectionString: url }, pool },
          read: { connection: replicas.map((replica) => ({ connectionString: replica })), pool },
        }
      : undefined,
    migrations: { naturalSort: true, paths: migrationPaths(kind), tableName: 'schema_migrations' },
  }
}

/**
 * A shard node's connection (pool, read replicas, the shard migrations): for the nodes declared here and
 * for those registered at run time (app/tenancy/sharding/node_registry.ts).
 */
export function shardConnection(url: string, replicas: string[] = []): PostgreConfig {
  return connection(url, replicas, 'shard')
}

export const shardNodes = parseShardNodes(
  env.get('DATABASE_URL'),
  env.get('SHARD_NODE_URLS'),
  env.get('SHARD_REPLICA_URLS')
)

const dbConfig = defineConfig({
  connection: 'control',
  prettyPrintDebugQueries: false,
  connections: {
    control: connection(env.get('DATABASE_URL'), [], 'control'),
    ...Object.fromEntries(
      shardNodes.map((node) => [node.name, shardConnection(node.url, node.replicas)])
    ),
  },
})

export default dbConfig
