/**
 * Boots the application inside a benchmark script (the way bin/console.ts does for ace), so benchmarks
 * measure the real services: shard router, tenant context, queue, realtime hub.
 */
import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'

const APP_ROOT = new URL('../', import.meta.url)

export async function bootApp(environment: 'console' | 'web' = 'console') {
  const ignitor = new Ignitor(APP_ROOT, {
    importer: (path: string) => import(path.startsWith('./') || path.startsWith('../') ? new URL(path, APP_ROOT).href : path),
  })
  const app = ignitor.createApp(environment)
  app.booting(async () => {
    await import('#start/env')
  })
  await app.init()
  await app.boot()
  await app.start(async () => {})
  const { bootTenancy } = await import('#tenancy/services/boot')
  await bootTenancy()
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
