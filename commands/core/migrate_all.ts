import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { shardNodes } from '#config/database'
import { ensureDatabases } from '#core/database/ensure_databases'

/**
 * Migrates the control database and every physical shard node, then makes sure every logical
 * shard has a place in shard_map. Safe to re-run.
 */
export default class MigrateAll extends BaseCommand {
  static commandName = 'migrate:all'
  static description = 'Run migrations on the control database and on every shard node'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Create missing databases first' })
  declare create: boolean

  @flags.boolean({ description: 'Roll everything back instead (drops all tables)' })
  declare reset: boolean

  async run() {
    if (this.create) {
      const urls = [env.get('DATABASE_URL'), ...shardNodes.map((node) => node.url)]
      for (const name of await ensureDatabases(urls)) this.logger.info(`created database ${name}`)
    }
    const { shardRouter, syncRegisteredNodes } = await import('#tenancy/index')
    // Nodes registered at run time (shards:add-node) are migrated too: read before the control
    // database is rolled back, after it is migrated (a fresh one has none).
    if (this.reset) await syncRegisteredNodes(shardRouter)
    if (!(await this.#migrate('control'))) return
    if (!this.reset) await syncRegisteredNodes(shardRouter)
    for (const connectionName of shardRouter.nodes())
      if (!(await this.#migrate(connectionName))) return
    if (!this.reset) {
      await shardRouter.ensureMap()
      this.logger.info(
        `shard_map: ${shardRouter.shardCount} shards over ${shardRouter.nodes().join(', ')}`
      )
    }
  }

  async #migrate(connectionName: string): Promise<boolean> {
    const runner = new MigrationRunner(db, this.app, {
      direction: this.reset ? 'down' : 'up',
      connectionName,
      ...(this.reset ? { batch: 0 } : {}),
    })
    await runner.run()
    if (runner.error) {
      this.logger.error(`${connectionName}: ${runner.error.message}`)
      this.exitCode = 1
      return false
    }
    const files = Object.keys(runner.migratedFiles)
    this.logger.info(
      `${connectionName}: ${files.length ? `${files.length} migration(s) ${this.reset ? 'rolled back' : 'applied'}` : 'up to date'}`
    )
    return true
  }
}
