import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import env from '#start/env'
import { runWithReason } from '#core/database/actor_context'
import { ensureDatabases } from '#core/database/ensure_databases'
import { activeShardMove } from '#tenancy/sharding/moves/active_move'
import { NodeLink } from '#tenancy/sharding/moves/node_link'
import {
  ShardMoveInvalidException,
  ShardMoveRefusedException,
} from '#tenancy/sharding/moves/shard_move_exceptions'
import {
  connectNode,
  encryptNodeUrl,
  forgetNode,
  isDeclaredNode,
  nodeUrl,
  nodeUrls,
  registeredNodes,
} from '#tenancy/sharding/node_registry'
import { publishShardMapChange } from '#tenancy/sharding/shard_map_signal'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

export type AddedNode = {
  name: string
  /** 'registered' the first time, 'unchanged' when run again alike, 'moved' for a new URL. */
  outcome: 'registered' | 'unchanged' | 'moved'
  migrations: number
  shards: number
}

const NAME = /^[a-z][a-z0-9_]*$/

/**
 * `shards:add-node`: registers a PostgreSQL database as a shard node at run time. The database is
 * created when missing, the server checked (wal_level = logical, the topology's major version), the
 * shard migrations run on it, then it is recorded in shard_nodes (URL encrypted, audited under the
 * actor and reason) and every process is told to connect it. Nothing is recorded unless all of that
 * succeeds. Run again alike, it migrates again and changes nothing; a new URL for the same name is
 * taken only while the node holds no shard. Messages never carry the URL.
 */
export async function addShardNode(
  router: ShardRouter,
  name: string,
  url: string,
  reason: string
): Promise<AddedNode> {
  const redact = redactor(url)
  if (!NAME.test(name) || name === 'control')
    throw new ShardMoveInvalidException(
      `"${name}" cannot name a node: lowercase letters, digits and _, starting with a letter, not "control"`,
      { field: 'name' }
    )
  if (isDeclaredNode(name))
    throw new ShardMoveInvalidException(
      `${name} is declared in SHARD_NODE_URLS: change it there, not at run time`,
      { field: 'name' }
    )
  const target = databaseKey(url)
  if (!target)
    throw new ShardMoveInvalidException(
      'the URL must read postgres://user:password@host:port/database',
      { field: 'url' }
    )

  await router.load()
  const registered = await registeredNodes()
  const previous = registered.find((node) => node.name === name)
  const outcome = !previous ? 'registered' : previous.url === url ? 'unchanged' : 'moved'
  if (outcome === 'moved') {
    const shards = router.shardsOn(name).length
    if (shards > 0)
      throw new ShardMoveRefusedException(
        `${name} holds ${shards} shard(s) at its registered URL: move them off (node ace shards:drain ${name}) before pointing it elsewhere`
      )
    const move = await activeShardMove()
    if (move && (move.source === name || move.target === name))
      throw new ShardMoveRefusedException(
        `shard ${move.shard_id} is moving between ${move.source} and ${move.target}: finish that move first`
      )
  }
  const places = { control: env.get('DATABASE_URL'), ...nodeUrls() }
  for (const [other, otherUrl] of Object.entries(places)) {
    if (other !== name && databaseKey(otherUrl) === target)
      throw new ShardMoveRefusedException(`that database is already ${other}'s`)
  }

  try {
    await ensureDatabases([url])
  } catch (error) {
    throw new ShardMoveRefusedException(
      `${name}: the server cannot be reached or the database created: ${redact((error as Error).message)}`
    )
  }
  await checkServer(router, name, url, redact)

  connectNode(router, name, url)
  try {
    const runner = new MigrationRunner(db, app, { direction: 'up', connectionName: name })
    await runner.run()
    if (runner.error)
      throw new ShardMoveRefusedException(
        `${name}: the shard migrations failed: ${redact(runner.error.message)}`
      )
    if (outcome !== 'unchanged') {
      // Awaited inside: the actor (and its reason) travels with the query as it runs.
      await runWithReason(reason, async () => {
        await db.connection('control').rawQuery(
          `INSERT INTO shard_nodes (name, accepts_shards, encrypted_url, registered_at)
           VALUES (?, true, ?, now())
           ON CONFLICT (name) DO UPDATE SET encrypted_url = EXCLUDED.encrypted_url,
             registered_at = now(), updated_at = now()`,
          [name, encryptNodeUrl(url)]
        )
      })
      await publishShardMapChange(router.version, { nodes: true })
    }
    return {
      name,
      outcome,
      migrations: Object.keys(runner.migratedFiles).length,
      shards: router.shardsOn(name).length,
    }
  } catch (error) {
    // This process forgets a connection that was not registered (or goes back to the registered URL).
    if (previous) connectNode(router, name, previous.url)
    else await forgetNode(router, name)
    throw error
  }
}

/** wal_level = logical (moves replicate), and the major version every other node runs. */
async function checkServer(
  router: ShardRouter,
  name: string,
  url: string,
  redact: (text: string) => string
) {
  const links: NodeLink[] = []
  const open = (node: string, nodeUrlText: string) => {
    const link = new NodeLink(node, nodeUrlText)
    links.push(link)
    return link
  }
  try {
    const link = open(name, url)
    const { wal_level: level } = await link.one<{ wal_level: string }>('SHOW wal_level')
    if (level !== 'logical')
      throw new ShardMoveRefusedException(
        `${name} runs with wal_level=${level}: shard nodes need wal_level=logical (set it, restart that server)`
      )
    const major = await majorVersion(link)
    for (const other of router.nodes()) {
      const otherUrl = nodeUrl(other)
      if (other === name || !otherUrl) continue
      const theirs = await majorVersion(open(other, otherUrl))
      if (theirs !== major)
        throw new ShardMoveRefusedException(
          `${name} runs PostgreSQL ${major}, ${other} runs ${theirs}: one major version serves every node`
        )
    }
  } catch (error) {
    if (error instanceof ShardMoveRefusedException) throw error
    throw new ShardMoveRefusedException(`${name}: ${redact((error as Error).message)}`)
  } finally {
    for (const link of links) await link.close()
  }
}

async function majorVersion(link: NodeLink): Promise<number> {
  const row = await link.one<{ version: string }>(
    `SELECT current_setting('server_version_num') AS version`
  )
  return Math.floor(Number(row.version) / 10_000)
}

/** host:port/database of a postgres URL (null when it is not one): two names for one database refused. */
function databaseKey(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol) || !parsed.hostname || !database)
    return null
  return `${parsed.hostname.toLowerCase()}:${parsed.port || '5432'}/${database}`
}

/** Removes the URL and its password from a driver's message, should one ever carry them. */
function redactor(url: string) {
  const secrets = [url]
  try {
    const { password } = new URL(url)
    secrets.push(password, decodeURIComponent(password))
  } catch {}
  secrets.sort((a, b) => b.length - a.length)
  return (text: string) =>
    secrets
      .filter((secret) => secret.length > 0)
      .reduce((result, secret) => result.split(secret).join('[hidden]'), text)
}
