import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from '../../scripts/provision.js'
import { eventually } from '#tests/support/eventually'

const ROOT = new URL('../../', import.meta.url).pathname

/** The test control database's URL with another database name. */
export function siblingDatabaseUrl(suffix: string) {
  const url = new URL(process.env.DATABASE_URL!)
  url.pathname = `${url.pathname}_${suffix}`
  return url.toString()
}

/** Drops a database and its shard nodes (<name>_node0, <name>_node1), so a run starts from nothing. */
export async function dropDatabaseWithNodes(databaseUrl: string) {
  const name = new URL(databaseUrl).pathname.slice(1)
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  try {
    for (const database of [name, `${name}_node0`, `${name}_node1`])
      await client.query(`drop database if exists "${database}" with (force)`)
  } finally {
    await client.end()
  }
}

/** A redis-server of its own on a free port: these tests flush it, and nothing else uses it. */
export async function startRedisServer() {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' }
  )
  const url = `redis://127.0.0.1:${port}`
  await eventually('redis-server answers', async () => {
    const { Redis } = await import('ioredis')
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    client.on('error', () => undefined)
    try {
      await client.connect()
      return (await client.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      client.disconnect()
    }
  })
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) =>
        child.exitCode !== null
          ? resolve()
          : (child.once('exit', () => resolve()), child.kill('SIGKILL'))
      ),
  }
}

/** A process is alive when signal 0 reaches it. */
export function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * `scripts/platform.ts start` (what `npm start` runs after installing) in a process group of its own,
 * with a clean environment: only what the test passes, PATH and HOME. Its .env goes to a temporary
 * directory (ENV_PATH), never the checkout's. kill() ends the whole group, whatever state it is in.
 */
export async function startPlatform(env: Record<string, string>) {
  const port = await freePort()
  const envPath = mkdtempSync(join(tmpdir(), 'gudbro-start-'))
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import=ts-node-maintained/register/esm', 'scripts/platform.ts', 'start'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENV_PATH: envPath,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }
  )
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const platform = {
    url: `http://127.0.0.1:${port}`,
    port,
    envPath,
    pid: child.pid!,
    exited,
    output: () => output,
    /** Pids the supervisor reported for a child ('http server' or 'worker'), oldest first. */
    pids(name: string) {
      return [
        ...output.matchAll(new RegExp(`\\[platform\\] ${name} started \\(pid (\\d+)\\)`, 'g')),
      ].map((match) => Number(match[1]))
    },
    waitForOutput(pattern: RegExp, what: string, limitMs = 30_000) {
      return eventually(
        what,
        () => {
          if (child.exitCode !== null)
            throw new Error(
              `npm start exited (${child.exitCode}) while waiting for ${what}:\n${output.slice(-3000)}`
            )
          return pattern.exec(output)
        },
        limitMs
      )
    },
    kill() {
      const pids = [child.pid!, ...platform.pids('http server'), ...platform.pids('worker')]
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {}
      // A child that left the group (it should not) goes too.
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    },
  }
  try {
    await platform.waitForOutput(
      /Ctrl-C stops everything/,
      'npm start to provision, migrate and seed',
      180_000
    )
    await platform.waitForOutput(/worker started on queues/, 'the worker to start', 60_000)
    await eventually(
      'the HTTP server answers /health',
      async () => {
        if (child.exitCode !== null)
          throw new Error(`npm start exited (${child.exitCode}):\n${output.slice(-3000)}`)
        return fetch(`${platform.url}/health`).then(
          (response) => response.ok,
          () => false
        )
      },
      60_000
    )
  } catch (error) {
    platform.kill()
    throw error
  }
  return platform
}

export type StartedPlatform = Awaited<ReturnType<typeof startPlatform>>
