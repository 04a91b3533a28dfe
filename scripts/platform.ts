/**
 * The two commands of the README.
 *   start: provision, migrate every node, seed demo data, run the HTTP server and the queue worker.
 *   test:  provision, recreate the dedicated test databases, run the whole suite.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import { provision, databaseUrl, freePort } from './provision.js'
import { buildWebUi, ensureChromium } from './web_ui.js'

const ROOT = new URL('../', import.meta.url).pathname
const TS = ['--import=ts-node-maintained/register/esm']

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' })
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

async function must(args: string[], env: NodeJS.ProcessEnv, what: string) {
  const code = await run(args, env)
  if (code !== 0) throw new Error(`${what} failed (exit ${code})`)
}

/** Drops the test databases so every run starts from the migrations. */
async function dropDatabases(serverUrl: string, names: string[]) {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') })
  await client.connect()
  try {
    for (const name of names) await client.query(`drop database if exists "${name}" with (force)`)
  } finally {
    await client.end()
  }
}

async function start() {
  const services = await provision()
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: process.env.DATABASE_URL ?? databaseUrl(services.databaseUrl, 'gudbro'),
    REDIS_URL: services.redisUrl,
    PORT: process.env.PORT ?? '3333',
    HOST: process.env.HOST ?? '0.0.0.0',
  }
  await buildWebUi()
  await must(['ace.js', 'migrate:all', '--create'], env, 'migrations')
  await must(['ace.js', 'db:seed', '--files', 'database/seeders/demo_seeder.ts', '--files', 'database/seeders/menu_demo_seeder.ts', '--files', 'database/seeders/orders_demo_seeder.ts'], env, 'demo data')

  const children: ChildProcess[] = [
    spawn(process.execPath, [...TS, 'bin/server.ts'], { cwd: ROOT, env, stdio: 'inherit' }),
    spawn(process.execPath, ['ace.js', 'queue:work'], { cwd: ROOT, env, stdio: 'inherit' }),
  ]
  const url = `http://127.0.0.1:${env.PORT}`
  console.log(`
GUDBRO Verticals is starting on ${url}
  backoffice: ${url}/admin   digital menu: ${url}/m/demo-coffee
  health:  ${url}/health   ready: ${url}/ready   metrics: ${url}/metrics
  demo logins (password: demo-password-1)
    owner@demo-coffee.test    Demo Coffee (coffeeshop, pre_ordering)
    owner@demo-wellness.test  Demo Wellness (wellness, digital_menu)
    owner@demo-rentals.test   Demo Rentals (rentals, full_suite)
    support@gudbro.test       platform support
  Ctrl-C stops everything.
`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    for (const child of children) child.kill('SIGTERM')
    await Promise.all(children.map((child) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))))
    await services.stop()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  for (const child of children) child.once('exit', () => void stop())
}

async function test(args: string[]) {
  const services = await provision()
  // TEST_DATABASE_NAME / TEST_REDIS_DB let two checkouts run their suites side by side.
  const control = process.env.TEST_DATABASE_NAME ?? 'gudbro_test'
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(services.databaseUrl, control),
    SHARD_NODE_URLS: undefined,
    REDIS_URL: process.env.REDIS_URL ?? `${services.redisUrl.replace(/\/\d*$/, '')}/${process.env.TEST_REDIS_DB ?? 15}`,
    LOG_FILE: `${ROOT}tmp/logs/test.log`,
    APP_DOMAIN: 'gudbro.test',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    // Tests play many clients from loopback through X-Forwarded-For.
    TRUSTED_PROXIES: '127.0.0.1,::1,::ffff:127.0.0.1',
  } as NodeJS.ProcessEnv
  delete env.SHARD_NODE_URLS
  // The functional and browser suites load the built UI; the browser suite drives Debian's Chromium.
  await Promise.all([buildWebUi(), ensureChromium()])
  await dropDatabases(services.databaseUrl, [control, `${control}_node0`, `${control}_node1`, `${control}_replica`])
  let code = 1
  try {
    await must(['ace.js', 'migrate:all', '--create'], env, 'test migrations')
    code = await run(['ace.js', 'test', ...args], env)
  } finally {
    await services.stop()
  }
  process.exit(code)
}

const [command, ...rest] = process.argv.slice(2)
const main = command === 'start' ? start() : command === 'test' ? test(rest) : Promise.reject(new Error('usage: platform.ts start|test'))
main.catch((error) => {
  console.error(`\n${error.message}`)
  process.exit(1)
})
