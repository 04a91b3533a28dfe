/**
 * Separate PostgreSQL servers (their own postmasters, data directories and ports) for shard moves:
 * Debian's PostgreSQL packages, installed when missing (the embedded npm server has no logical
 * replication tools and one major version must serve the whole topology). wal_level=logical, loopback
 * only, trust auth. Servers run as the `postgres` system user when started by root (PostgreSQL refuses
 * root). Used by the shard-move tests and benchmarks/shard_move.ts.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, appendFileSync, chownSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './provision.js'

export type ShardServer = { name: string; port: number; url: (database: string) => string }
export type ShardServers = { servers: ShardServer[]; stop: () => Promise<void> }

const DEBIAN_ROOT = '/usr/lib/postgresql'

function log(message: string) {
  console.log(`[shard servers] ${message}`)
}

/** The newest Debian PostgreSQL with initdb and pg_ctl, installed with apt when there is none. */
function debianBinaries(): string {
  const find = () =>
    existsSync(DEBIAN_ROOT)
      ? readdirSync(DEBIAN_ROOT)
          .filter((version) => existsSync(join(DEBIAN_ROOT, version, 'bin', 'initdb')))
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join(DEBIAN_ROOT, version, 'bin'))[0]
      : undefined
  let bin = find()
  if (
    !bin &&
    process.getuid?.() === 0 &&
    spawnSync('sh', ['-c', 'command -v apt-get']).status === 0
  ) {
    log("installing Debian's postgresql package")
    spawnSync(
      'sh',
      [
        '-c',
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql',
      ],
      { stdio: 'inherit' }
    )
    bin = find()
  }
  if (!bin)
    throw new Error("Debian's PostgreSQL server package (postgresql) is needed for shard moves")
  return bin
}

/** Runs a server program, as the postgres user when we are root. */
function runPg(bin: string, program: string, args: string[]) {
  const asRoot = process.getuid?.() === 0
  const command = asRoot ? 'runuser' : join(bin, program)
  const argv = asRoot ? ['-u', 'postgres', '--', join(bin, program), ...args] : args
  const result = spawnSync(command, argv, { encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`${program} ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
}

export async function startShardServers(names: string[]): Promise<ShardServers> {
  const bin = debianBinaries()
  const root = mkdtempSync(join(tmpdir(), 'gudbro-shard-servers-'))
  if (process.getuid?.() === 0) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
    const gw = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
    chownSync(root, Number(pw.stdout), Number(gw.stdout))
  }
  const started: Array<{ dir: string }> = []
  const stop = async () => {
    for (const { dir } of started) {
      try {
        runPg(bin, 'pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop'])
      } catch {}
    }
    rmSync(root, { recursive: true, force: true })
  }
  try {
    const servers: ShardServer[] = []
    for (const name of names) {
      const dir = join(root, name)
      const port = await freePort()
      runPg(bin, 'initdb', [
        '-D',
        dir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
      ])
      appendFileSync(
        join(dir, 'postgresql.conf'),
        [
          `port = ${port}`,
          `listen_addresses = '127.0.0.1'`,
          `unix_socket_directories = '${dir}'`,
          'wal_level = logical',
          // Slots on the publisher and origin states on the subscriber: each move's apply and table-copy
          // workers take one while they run, and a worker's is freed a moment after it ends (at 20, a
          // move right after another ran out).
          'max_wal_senders = 40',
          'max_replication_slots = 40',
          // A move's table copies run this many at a time (its apply worker starts the next one
          // about once a second): 24 tenant tables in 2 rounds rather than 6.
          'max_logical_replication_workers = 16',
          'max_sync_workers_per_subscription = 12',
          'max_worker_processes = 24',
          // The launcher starts replication workers at most once per this interval (default 5 s): a move
          // right after another waited that long for its subscription's worker.
          "wal_retrieve_retry_interval = '200ms'",
          'max_connections = 200',
          'shared_buffers = 128MB',
          'autovacuum = on',
          '',
        ].join('\n')
      )
      runPg(bin, 'pg_ctl', ['-D', dir, '-l', join(dir, 'server.log'), '-w', 'start'])
      started.push({ dir })
      servers.push({
        name,
        port,
        url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
      })
      log(`${name}: PostgreSQL (${bin.split('/').at(-2)}) on 127.0.0.1:${port}`)
    }
    return { servers, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
