/**
 * What a benchmark needs on the machine, checked before it does anything else. Tools come from Debian's
 * packages when missing and we are root (the way the test command installs Chromium, scripts/web_ui.ts);
 * otherwise, and for the PostgreSQL and Redis a benchmark points at, it stops at once with one line
 * saying what to install or start.
 */
import { spawnSync } from 'node:child_process'
import net from 'node:net'

const PACKAGES = { wrk: 'wrk', taskset: 'util-linux' } as const
export type Tool = keyof typeof PACKAGES

function stop(message: string): never {
  console.error(message)
  process.exit(1)
}

const installed = (tool: string) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0

/** Installs the missing tools with apt-get when we can, else stops with the line to run. */
export function requireTools(tools: Tool[]) {
  let missing = tools.filter((tool) => !installed(tool))
  if (!missing.length) return
  const packages = [...new Set(missing.map((tool) => PACKAGES[tool]))]
  if (process.getuid?.() === 0 && installed('apt-get')) {
    console.log(`[setup] installing ${packages.join(' ')} (apt-get)`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
    spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env })
    missing = missing.filter((tool) => !installed(tool))
  }
  if (missing.length)
    stop(
      `This benchmark needs ${missing.join(' and ')}: install ${packages.join(' ')} (e.g. apt-get install -y ${packages.join(' ')})`
    )
}

function answers(url: string) {
  const { hostname, port } = new URL(url)
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) })
    socket.setTimeout(2000)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => (socket.destroy(), resolve(false)))
  })
}

const withoutPassword = (url: string) => {
  const parsed = new URL(url)
  parsed.password = ''
  return parsed.toString()
}

/** Stops at once unless the PostgreSQL and the Redis the benchmark will use accept connections. */
export async function requireServices(databaseUrl: string, redisUrl: string) {
  const postgres = new URL(databaseUrl)
  if (!postgres.port) postgres.port = '5432'
  if (!(await answers(postgres.toString()))) {
    stop(
      `This benchmark needs a PostgreSQL at ${withoutPassword(databaseUrl)}: start one or set BENCH_DATABASE_URL`
    )
  }
  const redis = new URL(redisUrl)
  if (!redis.port) redis.port = '6379'
  if (!(await answers(redis.toString())))
    stop(
      `This benchmark needs a Redis at ${withoutPassword(redisUrl)}: start one or set BENCH_REDIS_URL`
    )
}
