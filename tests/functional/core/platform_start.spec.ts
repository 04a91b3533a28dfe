import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { io } from 'socket.io-client'
import { DEMO_PASSWORD, SUPPORT_EMAIL } from '#database/demo_logins'
import { eventually } from '#tests/support/eventually'
import { startSmtpServer } from '#tests/support/stand_ins'
import {
  dropDatabaseWithNodes,
  isAlive,
  siblingDatabaseUrl,
  startPlatform,
  startRedisServer,
  type StartedPlatform,
} from '#tests/support/platform_process'
import { fetchJson } from '#tests/support/http'

const ROOT = new URL('../../../', import.meta.url).pathname

/** A command run the way an operator runs it in a second terminal: PATH and HOME, plus what `extra` says. */
function operatorCommand(command: string, args: string[], extra: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    child.once('exit', (code) => resolve({ code, output }))
  })
}

/** The local addresses something listens on at `port` (Linux's socket tables; IPv4 only, as Node listens on 0.0.0.0 or 127.0.0.1 here). */
function listenAddresses(port: number) {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(
      (fields) => fields[3] === '0A' && Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port
    )
    .map((fields) => {
      const hex = fields[1].split(':')[0]
      return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.')
    })
}

async function login(platform: StartedPlatform, email: string, password: string) {
  const response = await fetch(`${platform.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  return { status: response.status, body: (await response.json()) as any }
}

/** A guest order at the demo coffee shop: an item without required options, in the first open slot. */
async function placeDemoOrder(platform: StartedPlatform) {
  const menu = await fetchJson(`${platform.url}/api/v1/menus/demo-coffee`)
  const item = menu.data.categories
    .filter((category: any) => category.availability.length === 0)
    .flatMap((category: any) => category.items)
    .find(
      (candidate: any) =>
        !candidate.sold_out && !candidate.modifier_groups.some((group: any) => group.is_required)
    )
  const slots = await fetchJson(`${platform.url}/api/v1/orders/m/demo-coffee/pickup-slots/open`)
  const slot = slots.data.find((candidate: any) => !candidate.is_full)
  const response = await fetch(`${platform.url}/api/v1/orders/m/demo-coffee`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      pickup_slot_id: slot.id,
      customer: { name: 'Ada', email: 'ada@mail.test' },
      items: [{ item_id: item.id, quantity: 1 }],
    }),
  })
  return { status: response.status, body: (await response.json()) as any }
}

/** Requests every 50 ms until stopped; keeps every failure (status >= 500 or a network error). */
function keepAsking(url: string) {
  const failures: string[] = []
  let answered = 0
  let running = true
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(url)
        await response.arrayBuffer()
        if (response.status >= 500) failures.push(`HTTP ${response.status}`)
        else answered++
      } catch (error) {
        failures.push((error as Error).message)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  return {
    failures,
    answered: () => answered,
    stop: async () => {
      running = false
      await loop
    },
  }
}

test.group('npm start in production, on every interface', (group) => {
  let platform: StartedPlatform
  let redis: Awaited<ReturnType<typeof startRedisServer>>
  // The same database as the development run below, which comes second: production migrates it and seeds nothing.
  const databaseUrl = siblingDatabaseUrl('start')

  group.setup(async () => {
    await dropDatabaseWithNodes(databaseUrl)
    redis = await startRedisServer()
    platform = await startPlatform({
      NODE_ENV: 'production',
      APP_KEY: 'platform-start-test-key-0123456789abcdef',
      HOST: '0.0.0.0',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
    })
    return async () => {
      platform?.kill()
      await redis?.stop()
    }
  })

  test('HOST says where to listen; no demo account exists and none is printed', async ({
    assert,
  }) => {
    assert.deepEqual(listenAddresses(platform.port), ['0.0.0.0'])
    assert.notInclude(platform.output(), 'demo logins')
    assert.notInclude(platform.output(), DEMO_PASSWORD)
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query(`select email from users where email like '%.test'`)
      assert.deepEqual(rows, [])
    } finally {
      await client.end()
    }
    const support = await login(platform, SUPPORT_EMAIL, DEMO_PASSWORD)
    assert.oneOf(support.status, [400, 401])
  }).timeout(60_000)

  test('children never outlive the supervisor: SIGKILL it and they shut down', async ({
    assert,
  }) => {
    const children = [...platform.pids('http server'), ...platform.pids('worker')]
    assert.lengthOf(children, 2)
    process.kill(platform.pid, 'SIGKILL')
    await platform.exited
    for (const pid of children)
      await eventually(`child ${pid} exits after its supervisor died`, () => !isAlive(pid), 20_000)
  }).timeout(60_000)
})

test.group(
  'npm start: loopback by default, .env for operator commands, a supervisor that restarts and stops',
  (group) => {
    let platform: StartedPlatform
    let redis: Awaited<ReturnType<typeof startRedisServer>>
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>

    group.setup(async () => {
      redis = await startRedisServer()
      smtp = await startSmtpServer()
      platform = await startPlatform({
        DATABASE_URL: siblingDatabaseUrl('start'),
        REDIS_URL: redis.url,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
      })
      return async () => {
        platform?.kill()
        await redis?.stop()
        await smtp?.close()
      }
    })

    test('listens on 127.0.0.1 when HOST is unset; the written .env runs the README commands with no environment', async ({
      assert,
    }) => {
      assert.deepEqual(listenAddresses(platform.port), ['127.0.0.1'])

      const dotenv = readFileSync(join(platform.envPath, '.env'), 'utf8')
      assert.match(dotenv, /^HOST=127\.0\.0\.1$/m)
      assert.match(dotenv, /^NODE_ENV=development$/m)
      assert.include(dotenv, `REDIS_URL=${redis.url}`)
      assert.include(dotenv, `DATABASE_URL=${siblingDatabaseUrl('start')}`)
      assert.match(dotenv, /^APP_KEY=\S{32,}$/m)

      // ENV_PATH points Adonis at the directory of that .env (the checkout's root when unset).
      const status = await operatorCommand(process.execPath, ['ace', 'shards:status'], {
        ENV_PATH: platform.envPath,
      })
      assert.equal(status.code, 0, status.output)
      assert.include(status.output, 'node1')
      const modules = await operatorCommand(
        process.execPath,
        ['ace', 'modules:list', 'demo-coffee'],
        { ENV_PATH: platform.envPath }
      )
      assert.equal(modules.code, 0, modules.output)
      assert.include(modules.output, 'orders')

      // The support CLI, as the README shows it, against the started platform with the demo login.
      const config = join(mkdtempSync(join(tmpdir(), 'gudbro-cli-')), 'config.json')
      const cli = (...args: string[]) =>
        operatorCommand(process.execPath, ['bin/gudbro.js', ...args], { GUDBRO_CONFIG: config })
      // Support needs its second-factor code: the development-only command prints the demo account's.
      const totp = await operatorCommand(
        process.execPath,
        ['ace', 'users:totp-code', SUPPORT_EMAIL],
        { ENV_PATH: platform.envPath }
      )
      assert.equal(totp.code, 0, totp.output)
      const code = totp.output.match(/\b\d{6}\b/g)?.at(-1)
      assert.exists(code, totp.output)
      const signedIn = await cli(
        'login',
        '--url',
        platform.url,
        '--email',
        SUPPORT_EMAIL,
        '--password',
        DEMO_PASSWORD,
        '--code',
        code!
      )
      assert.equal(signedIn.code, 0, signedIn.output)
      const merchants = await cli('--json', 'merchants', 'list')
      assert.equal(merchants.code, 0, merchants.output)
      assert.include(merchants.output, 'demo-coffee')
    }).timeout(120_000)

    test('a worker killed with SIGKILL is restarted, the API keeps answering, and what was queued meanwhile is delivered', async ({
      assert,
    }) => {
      const owner = await login(platform, 'owner@demo-coffee.test', DEMO_PASSWORD)
      assert.equal(owner.status, 200)
      const settings = await fetch(`${platform.url}/api/v1/notifications/settings`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          'authorization': `Bearer ${owner.body.token}`,
        },
        body: JSON.stringify({
          routes: { 'order.created': ['email'] },
          email_recipients: ['kitchen@demo-coffee.test'],
        }),
      })
      assert.equal(settings.status, 200)

      const [worker] = platform.pids('worker').slice(-1)
      const server = platform.pids('http server').at(-1)!
      const traffic = keepAsking(`${platform.url}/api/v1/menus/demo-coffee`)
      try {
        process.kill(worker, 'SIGKILL')
        await eventually('the worker is gone', () => !isAlive(worker))
        // Queued while no worker runs.
        const order = await placeDemoOrder(platform)
        assert.equal(order.status, 201, JSON.stringify(order.body))

        await platform.waitForOutput(
          new RegExp(`worker \\(pid ${worker}\\) was killed by SIGKILL; restarting`),
          'the supervisor to log the crash'
        )
        const restarted = await eventually(
          'a new worker process',
          () => platform.pids('worker').find((pid) => pid !== worker && isAlive(pid)),
          60_000
        )
        assert.notEqual(restarted, worker)
        await eventually(
          'the order email is delivered',
          () =>
            smtp.received.some((mail) => mail.to.join(',').includes('kitchen@demo-coffee.test')),
          60_000
        )
      } finally {
        await traffic.stop()
      }
      assert.deepEqual(traffic.failures, [], 'no request failed while the worker was down')
      assert.isAbove(traffic.answered(), 0)
      assert.isTrue(isAlive(server), 'the HTTP server process was never restarted')
      assert.deepEqual(platform.pids('http server'), [server])
    }).timeout(180_000)

    test('SIGTERM after a Redis flush, with requests and sockets open: every process drains and exits in bounded time', async ({
      assert,
    }) => {
      const owner = await login(platform, 'owner@demo-coffee.test', DEMO_PASSWORD)
      // A staff socket on long-polling (an HTTP request held open by the server) and one on a websocket.
      const sockets = ['polling', 'websocket'].map((transport) =>
        io(platform.url, {
          auth: { token: owner.body.token },
          transports: [transport],
          reconnection: false,
          forceNew: true,
        })
      )
      try {
        await Promise.all(
          sockets.map(
            (socket) =>
              new Promise<void>(
                (resolve, reject) => (
                  socket.once('connect', resolve),
                  socket.once('connect_error', reject)
                )
              )
          )
        )
        const { Redis } = await import('ioredis')
        const client = new Redis(redis.url)
        await client.flushall()
        client.disconnect()

        const traffic = keepAsking(`${platform.url}/api/v1/menus/demo-coffee`)
        await eventually('requests answered after the flush', () => traffic.answered() > 3)
        const children = [...platform.pids('http server'), ...platform.pids('worker')].filter(
          isAlive
        )
        assert.lengthOf(children, 2)
        const began = Date.now()
        process.kill(platform.pid, 'SIGTERM')
        await Promise.race([platform.exited, new Promise((resolve) => setTimeout(resolve, 30_000))])
        const took = Date.now() - began
        await traffic.stop()

        assert.isFalse(isAlive(platform.pid), 'npm start exited')
        for (const pid of children) assert.isFalse(isAlive(pid), `child ${pid} exited`)
        // The children's own limit is 10 s and the supervisor kills at 15 s: generous bound.
        assert.isBelow(took, 20_000)
        assert.notMatch(platform.output(), /did not stop within/, 'no child needed SIGKILL')
      } finally {
        for (const socket of sockets) socket.disconnect()
      }
    }).timeout(60_000)
  }
)
