import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import redis from '@adonisjs/redis/services/main'
import { mountFixtureModules } from '#tests/fixtures/modules'
import { checkWireFormat, tapTestServer } from '#tests/support/wire_format_check'

export const plugins: Config['plugins'] = [assert(), apiClient(), pluginAdonisJS(app)]

/**
 * Databases are migrated by the test command before this process starts (dedicated test databases,
 * 16 shards over two nodes). Redis uses a test database index that is flushed here.
 */
export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [
    async () => {
      await redis.flushdb()
      await mountFixtureModules()
    },
  ],
  // Every JSON body the run saw on the wire must be snake_case (docs/decisions/wire-format.md).
  teardown: [checkWireFormat],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional', 'e2e', 'shard_moves'].includes(suite.name)) {
    return suite.setup(async () => {
      const close = await testUtils.httpServer().start()
      // app.ready ran before this server existed: attach socket.io to it now.
      const server = await app.container.make('server')
      await tapTestServer(server.getNodeServer()! as any)
      const { realtime } = await import('#core/realtime/realtime')
      realtime.attach(server.getNodeServer()! as any)
      return async () => {
        await close()
        await realtime.close()
      }
    })
  }
}
