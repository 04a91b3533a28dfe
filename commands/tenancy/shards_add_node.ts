import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Registers a PostgreSQL database as a shard node at run time (app/tenancy/sharding/add_node.ts): created
 * when missing, checked, migrated, recorded with its URL encrypted, and connected by every process. It
 * takes no shard until a rebalance gives it some. The URL is never printed.
 */
export default class ShardsAddNode extends BaseCommand {
  static commandName = 'shards:add-node'
  static description = 'Register a PostgreSQL server as a shard node at run time'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Node name (lowercase letters, digits, _)' })
  declare name: string

  @args.string({ description: 'postgres://user:password@host:port/database (never printed)' })
  declare url: string

  @flags.string({ description: 'Why (kept in the audit log)' })
  declare reason?: string

  async run() {
    try {
      const { addShardNode, shardRouter } = await import('#tenancy/index')
      const added = await addShardNode(
        shardRouter,
        this.name,
        this.url,
        this.reason ?? this.commandName
      )
      if (added.migrations)
        this.logger.info(`${added.name}: ${added.migrations} migration(s) applied`)
      this.logger.success(
        `${added.name} registered: ${added.shards} shards; run "node ace shards:rebalance" to fill it`
      )
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
