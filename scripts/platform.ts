/**
 * The two commands of the README.
 *   start: provision, write .env, migrate every node, seed demo data (development only), run the HTTP
 *          server and the queue worker under a supervisor (scripts/supervisor.ts).
 *   test:  provision, recreate the dedicated test databases, run the whole suite.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import pg from 'pg'
import { provision, databaseUrl, freePort } from './provision.js'
import { buildWebUi, ensureChromium } from './web_ui.js'
import { Supervisor } from './supervisor.js'
import { startDevMailCatcher, type DevMailCatcher } from './dev_mail.js'
import { documentedKeys, readEnvValue, writeEnvFile } from './env_file.js'
import {
  DEMO_MERCHANTS,
  DEMO_PASSWORD,
  SUPPORT_EMAIL,
  ownerEmail,
} from '../database/demo_logins.js'
import { isLoopbackHost } from '../app/core/http/loopback.js'

const ROOT = new URL('../', import.meta.url).pathname
const TS = ['--import=ts-node-maintained/register/esm']
const NO_ENV_FILES = `${ROOT}tmp/no-env-files`
const DEMO_SEEDERS = [
  'database/seeders/demo_seeder.ts',
  'database/seeders/menu_demo_seeder.ts',
  'database/seeders/orders_demo_seeder.ts',
]
const DEMO_LOGINS =
  [
    ...DEMO_MERCHANTS.map(
      (m) => `    ${ownerEmail(m.slug).padEnd(26)}${m.name} (${m.vertical}, ${m.tier})`
    ),
    `    ${SUPPORT_EMAIL.padEnd(26)}platform support (second factor: node ace users:totp-code ${SUPPORT_EMAIL})`,
  ].join('\n') + '\n'

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
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: process.env.DATABASE_URL ?? databaseUrl(services.databaseUrl, 'gudbro'),
    REDIS_URL: services.redisUrl,
    PORT: process.env.PORT ?? '3333',
    // Loopback unless HOST says otherwise.
    HOST: process.env.HOST ?? '127.0.0.1',
    // Kept from an earlier run's .env, so that tokens survive a restart.
    APP_KEY:
      process.env.APP_KEY ?? readEnvValue('APP_KEY') ?? randomBytes(32).toString('base64url'),
  }
  const development = env.NODE_ENV === 'development'
  // Links in mails must be usable in development: without an SMTP server of their own, mails go to
  // a local stand-in that keeps each one under tmp/mail/ and prints who it was for.
  let mailCatcher: DevMailCatcher | undefined
  // An SMTP_HOST set in the environment or in .env is a real server: use it, never overwrite it.
  if (development && !process.env.SMTP_HOST && !readEnvValue('SMTP_HOST')) {
    mailCatcher = await startDevMailCatcher({ dir: `${ROOT}tmp/mail`, root: ROOT })
    env.SMTP_HOST = '127.0.0.1'
    env.SMTP_PORT = String(mailCatcher.port)
    env.SMTP_SECURE = 'false'
  }
  // What operator commands in another terminal need: every documented variable this run uses.
  // The mail catcher lives only as long as this run: its address stays out of .env, which keeps SMTP
  // settings only when someone wrote them there.
  const settings = Object.fromEntries(
    documentedKeys()
      .filter((key) => env[key] && !(mailCatcher && key.startsWith('SMTP_')))
      .map((key) => [key, env[key]!])
  )
  const envFile = writeEnvFile(
    settings,
    'Written by `npm start` (git-ignored): the settings it provisioned. See .env.example.'
  )

  await buildWebUi()
  await must(['ace.js', 'migrate:all', '--create'], env, 'migrations')
  // Demo accounts only in development (the demo seeder refuses production too).
  if (development)
    await must(
      ['ace.js', 'db:seed', ...DEMO_SEEDERS.flatMap((file) => ['--files', file])],
      env,
      'demo data'
    )

  const supervisor = new Supervisor()
  supervisor.add({ name: 'http server', args: [...TS, 'bin/server.ts'], env, cwd: ROOT })
  supervisor.add({ name: 'worker', args: ['ace.js', 'queue:work'], env, cwd: ROOT })
  const url = `http://${env.HOST!.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`
  const demo = !development
    ? ''
    : isLoopbackHost(env.HOST)
      ? `  demo logins (password: ${DEMO_PASSWORD})\n${DEMO_LOGINS}`
      : `  demo logins (passwords printed above when they were set; HOST is not loopback)\n${DEMO_LOGINS}`
  console.log(`
GUDBRO Verticals is starting on ${url}
  backoffice: ${url}/admin   digital menu: ${url}/m/demo-coffee
  health:  ${url}/health   ready: ${url}/ready   metrics: ${url}/metrics
${mailCatcher ? `  mail: no SMTP_HOST, so every mail is kept in tmp/mail/ (local SMTP on 127.0.0.1:${mailCatcher.port})\n` : ''}${demo}  settings for \`node ace ...\` in another terminal: ${envFile}
  Ctrl-C stops everything.
`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await supervisor.stop()
    await mailCatcher?.close()
    await services.stop()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
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
    REDIS_URL:
      process.env.REDIS_URL ??
      `${services.redisUrl.replace(/\/\d*$/, '')}/${process.env.TEST_REDIS_DB ?? 15}`,
    LOG_FILE: `${ROOT}tmp/logs/test.log`,
    APP_DOMAIN: 'gudbro.test',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    // Tests play many clients from loopback through X-Forwarded-For.
    TRUSTED_PROXIES: '127.0.0.1,::1,::ffff:127.0.0.1',
    // The suite reads no dot-env file: a developer's .env (written by `npm start`) must not leak into it.
    ENV_PATH: NO_ENV_FILES,
  } as NodeJS.ProcessEnv
  delete env.SHARD_NODE_URLS
  mkdirSync(NO_ENV_FILES, { recursive: true })
  // The functional and browser suites load the built UI; the browser suite drives Debian's Chromium.
  await Promise.all([buildWebUi(), ensureChromium()])
  await dropDatabases(services.databaseUrl, [
    control,
    `${control}_node0`,
    `${control}_node1`,
    `${control}_replica`,
  ])
  // The shard-move suite runs on servers of its own: alone when asked for, after the rest otherwise.
  const movesOnly = args.some((arg) => arg.includes('shard_moves'))
  let code = 1
  try {
    if (!movesOnly) {
      await must(['ace.js', 'migrate:all', '--create'], env, 'test migrations')
      code = await run(['ace.js', 'test', ...(args.length ? args : MAIN_SUITES)], env)
    }
    if (movesOnly || (args.length === 0 && code === 0))
      code = await shardMoveSuite(services.databaseUrl, `${control}_moves`, env, args)
  } finally {
    await services.stop()
  }
  process.exit(code)
}

const MAIN_SUITES = ['unit', 'functional', 'architecture', 'browser']

/** Three PostgreSQL servers of their own (wal_level=logical) as the shard nodes; control beside the rest. */
async function shardMoveSuite(
  serverUrl: string,
  control: string,
  baseEnv: NodeJS.ProcessEnv,
  args: string[]
): Promise<number> {
  const { startShardServers } = await import('./shard_servers.js')
  await dropDatabases(serverUrl, [control])
  const { servers, stop } = await startShardServers(['node0', 'node1', 'node2'])
  try {
    const env = {
      ...baseEnv,
      DATABASE_URL: databaseUrl(serverUrl, control),
      SHARD_NODE_URLS: servers.map((server) => `${server.name}=${server.url(control)}`).join(','),
    }
    await must(['ace.js', 'migrate:all', '--create'], env, 'shard-move test migrations')
    return await run(['ace.js', 'test', ...(args.length ? args : ['shard_moves'])], env)
  } finally {
    await stop()
  }
}

const [command, ...rest] = process.argv.slice(2)
const main =
  command === 'start'
    ? start()
    : command === 'test'
      ? test(rest)
      : Promise.reject(new Error('usage: platform.ts start|test'))
main.catch((error) => {
  console.error(`\n${error.message}`)
  process.exit(1)
})
