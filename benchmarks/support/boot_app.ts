/**
 * Boots the application inside a benchmark script (the way bin/console.ts does for ace), so benchmarks
 * measure the real services: shard router, tenant context, queue, realtime hub.
 */
import 'reflect-metadata'
import { execFileSync } from 'node:child_process'
import { Ignitor } from '@adonisjs/core'
import { requireServices } from './requirements.js'

const APP_ROOT = new URL('../../', import.meta.url)

/**
 * Points this process at the benchmark's own database and Redis database (BENCH_DATABASE_URL and
 * BENCH_REDIS_URL, else the local servers), production settings, and migrates it. Never the
 * development settings of a .env: benchmarks create and delete data and may flush their Redis database.
 */
export async function useBenchDatabase(database: string, redisDb: number) {
  const settings = {
    NODE_ENV: 'production',
    APP_KEY: 'bench-only-app-key-not-secret-0123456789',
    LOG_LEVEL: 'warn',
    DATABASE_URL:
      process.env.BENCH_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${database}`,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? `redis://127.0.0.1:6379/${redisDb}`,
  }
  await requireServices(settings.DATABASE_URL, settings.REDIS_URL)
  Object.assign(process.env, settings)
  execFileSync(process.execPath, ['ace.js', 'migrate:all', '--create'], {
    cwd: APP_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

export async function bootApp(environment: 'console' | 'web' = 'console') {
  const ignitor = new Ignitor(APP_ROOT, {
    importer: (path: string) =>
      import(path.startsWith('./') || path.startsWith('../') ? new URL(path, APP_ROOT).href : path),
  })
  const app = ignitor.createApp(environment)
  app.booting(async () => {
    await import('#start/env')
  })
  await app.init()
  await app.boot()
  await app.start(async () => {})
  const { serveTenants } = await import('#providers/tenancy_provider')
  await serveTenants()
  return app
}

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
