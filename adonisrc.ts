import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  commands: [() => import('@adonisjs/core/commands'), () => import('@adonisjs/lucid/commands')],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/redis/redis_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@rlanz/bull-queue/queue_provider'),
    () => import('#providers/observability_provider'),
    () => import('#providers/tenancy_provider'),
    () => import('#providers/realtime_provider'),
  ],

  preloads: [
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/events'),
    { file: () => import('#menu/start/edge'), environment: ['web', 'test'] },
  ],

  tests: {
    suites: [
      { files: ['tests/unit/**/*.spec(.ts|.js)'], name: 'unit', timeout: 10000 },
      { files: ['tests/functional/**/*.spec(.ts|.js)'], name: 'functional', timeout: 30000 },
      { files: ['tests/architecture/**/*.spec(.ts|.js)'], name: 'architecture', timeout: 10000 },
      // Real browser journeys (Debian's Chromium driven by playwright-core) against the test HTTP server.
      { files: ['tests/browser/**/*.spec(.ts|.js)'], name: 'browser', timeout: 120000 },
      // Shard moves between two PostgreSQL servers of their own, started by the test command
      // (scripts/platform.ts) after the other suites.
      { files: ['tests/shard_moves/**/*.spec(.ts|.js)'], name: 'shard_moves', timeout: 300000 },
    ],
    forceExit: false,
  },

  metaFiles: [],
  directories: { commands: 'commands' },
})
