/**
 * Shared pieces of the HTTP benchmarks: servers on core 0 and wrk on core 1 (so the load generator
 * does not steal the server's CPU), subject and baseline runs alternated (so drift hits both), medians,
 * and the server's CPU time per request as a second opinion beside requests per second.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { requireServices, requireTools } from './requirements.js'

export const ROOT = new URL('../../', import.meta.url).pathname
export const CONNECTIONS = 50
const children: ChildProcess[] = []

export type Run = { rps: number; p50: number; p99: number; cpuUsPerRequest: number }
export type Summary = { rps: number; p50: number; p99: number; cpu: number }
/**
 * What wrk drives: a server (its pid, for CPU per request) at a URL, GET with `headers` unless a
 * wrk Lua `script` sets the method and body.
 */
export type Target = { url: string; pid: number; headers?: Record<string, string>; script?: string }

export function cliFlag(name: string, fallback: number) {
  const args = process.argv.slice(2)
  return args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback
}

/** Production-like environment for the app under test. */
export function benchEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    APP_KEY: 'bench-only-app-key-not-secret-0123456789',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_API: '100000000',
    RATE_LIMIT_AUTH: '1000',
    ...overrides,
  }
}

export function sh(env: NodeJS.ProcessEnv, command: string, args: string[]) {
  execFileSync(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** wrk and taskset, PostgreSQL and Redis: installed when we can, else one line saying what is missing. */
export async function requireHttpBench(env: NodeJS.ProcessEnv) {
  requireTools(['wrk', 'taskset'])
  await requireServices(env.DATABASE_URL!, env.REDIS_URL!)
}

/**
 * Builds the app (unless --no-build), migrates every node and seeds the demo data (as development: demo
 * accounts are never seeded in production; HOST stays loopback, so they get the published password).
 */
export function prepareBuild(env: NodeJS.ProcessEnv, seeders: string[] = ['demo_seeder']) {
  if (!process.argv.includes('--no-build')) sh(env, process.execPath, ['ace.js', 'build'])
  if (!existsSync(`${ROOT}build/node_modules`))
    symlinkSync(`${ROOT}node_modules`, `${ROOT}build/node_modules`)
  sh(env, process.execPath, ['build/ace.js', 'migrate:all', '--create'])
  for (const seeder of seeders)
    sh(seedEnv(env), process.execPath, [
      'build/ace.js',
      'db:seed',
      '--files',
      `database/seeders/${seeder}.js`,
    ])
}

export const seedEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...env,
  NODE_ENV: 'development',
  HOST: '127.0.0.1',
})

export async function waitFor(url: string) {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(url)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} never answered`)
}

export function startOnCore0(env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return child
}

/** A bare node:http server answering every request with the given bytes and headers. */
export async function startRawServer(port: number, body: Buffer, headers: Record<string, string>) {
  // tmp/ is git-ignored, so a fresh clone does not have it.
  mkdirSync(`${ROOT}tmp`, { recursive: true })
  const file = `${ROOT}tmp/bench_raw_body_${port}`
  writeFileSync(file, body)
  const child = startOnCore0(process.env, [
    '-e',
    `const body = require('fs').readFileSync(${JSON.stringify(file)})
     const headers = { ...${JSON.stringify(headers)}, 'Content-Length': body.length }
     require('http').createServer((req, res) => { res.writeHead(200, headers); res.end(body) }).listen(${port}, '127.0.0.1')`,
  ])
  await waitFor(`http://127.0.0.1:${port}/`)
  return child
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function toMs(value: string) {
  const number = Number.parseFloat(value)
  return value.endsWith('us') ? number / 1000 : value.endsWith('ms') ? number : number * 1000
}

export function wrk({ url, pid, headers = {}, script }: Target, seconds: number): Run {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const scriptArgs = script ? ['-s', script] : []
  const before = cpuSeconds(pid)
  const out = execFileSync(
    'taskset',
    [
      '-c',
      '1',
      'wrk',
      '-t1',
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      '--latency',
      ...headerArgs,
      ...scriptArgs,
      url,
    ],
    { encoding: 'utf8' }
  )
  const cpu = cpuSeconds(pid) - before
  const requests = Number(/(\d+) requests in/.exec(out)![1])
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)
  if (non2xx) throw new Error(`${url}: ${non2xx[1]} non-2xx responses`)
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
    p50: toMs(/50%\s+([\d.]+\w+)/.exec(out)![1]),
    p99: toMs(/99%\s+([\d.]+\w+)/.exec(out)![1]),
    cpuUsPerRequest: (cpu / requests) * 1e6,
  }
}

/**
 * Latency at a fixed offered rate (autocannon -R, which corrects for coordinated omission), for
 * comparing p99 of two servers under the same load rather than each at its own saturation.
 */
export function paced(url: string, rate: number, seconds: number) {
  const out = execFileSync(
    'taskset',
    [
      '-c',
      '1',
      process.execPath,
      `${ROOT}node_modules/autocannon/autocannon.js`,
      '-c',
      String(CONNECTIONS),
      '-R',
      String(rate),
      '-d',
      String(seconds),
      '-j',
      url,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }
  )
  const result = JSON.parse(out)
  return {
    rate,
    achieved: result.requests.average as number,
    p50: result.latency.p50 as number,
    p99: result.latency.p99 as number,
    non2xx: result.non2xx as number,
  }
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export function summarize(runs: Run[]): Summary {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpu: median(runs.map((r) => r.cpuUsPerRequest)),
  }
}

export function formatSummary(name: string, s: Summary) {
  return `${name.padEnd(40)} ${s.rps.toFixed(0).padStart(8)} req/s   p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms   cpu ${s.cpu.toFixed(1)} us/req`
}

/** Warm both up, then alternate A B A B ... and return the medians. */
export function alternate(subject: Target, baseline: Target, runs: number, seconds: number) {
  wrk(subject, 3)
  wrk(baseline, 3)
  const a: Run[] = []
  const b: Run[] = []
  for (let i = 0; i < runs; i++) {
    a.push(wrk(subject, seconds))
    b.push(wrk(baseline, seconds))
    console.log(
      `run ${i + 1}: a ${a[i].rps.toFixed(0)} req/s p99 ${a[i].p99.toFixed(2)} ms | b ${b[i].rps.toFixed(0)} req/s p99 ${b[i].p99.toFixed(2)} ms`
    )
  }
  return { a: summarize(a), b: summarize(b) }
}

/** A target with the name its run lines print. */
export type NamedTarget = Target & { name: string }

/**
 * Several targets, each warmed up, then run in turn (A B C D A B C D ...) so that a change in the
 * machine's load falls on all of them alike; returns the medians, in the order given.
 */
export function alternateAll(targets: NamedTarget[], runs: number, seconds: number): Summary[] {
  for (const target of targets) wrk(target, 3)
  const results: Run[][] = targets.map(() => [])
  for (let i = 0; i < runs; i++) {
    targets.forEach((target, t) => results[t].push(wrk(target, seconds)))
    console.log(
      `run ${i + 1}: ${targets
        .map(
          (target, t) =>
            `${target.name} ${results[t][i].rps.toFixed(0)} req/s p99 ${results[t][i].p99.toFixed(2)} ms`
        )
        .join(' | ')}`
    )
  }
  return results.map(summarize)
}

/** "ratio 0.85   p99 1.20x   cpu 1.10x" of a subject against its baseline (medians of one run). */
export function formatRatio(name: string, subject: Summary, baseline: Summary) {
  return `${name.padEnd(40)} ratio ${(subject.rps / baseline.rps).toFixed(2)}   p99 ${(subject.p99 / baseline.p99).toFixed(2)}x   cpu ${(subject.cpu / baseline.cpu).toFixed(2)}x`
}

export function stopAll() {
  for (const child of children) child.kill('SIGTERM')
}
