import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { shardTools } from './_shard_tools.js'

/**
 * Gives one large merchant a shard of its own on a node of its own
 * (app/tenancy/sharding/moves/merchant_isolator.ts): its rows are relabelled to a dedicated shard, which is
 * then moved to an empty node and completed. Run it again after a crash: it goes on from the recorded step.
 */
export default class ShardsIsolate extends BaseCommand {
  static commandName = 'shards:isolate'
  static description = 'Give one merchant a shard of its own on an empty node'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Merchant id or slug' })
  declare merchant: string

  @flags.string({ description: 'Empty node to put it on (default: the first empty node)' })
  declare node?: string

  @flags.string({ description: 'Why (kept with the move)' })
  declare reason?: string

  async run() {
    try {
      const { isolator } = await shardTools()
      const record = await isolator.isolate(this.merchant, this.node, this.reason)
      process.stdout.write('\n')
      this.logger.success(
        `${this.merchant} lives on shard ${record.shard_id}, alone on ${record.target}; ` +
          'rebalancing leaves that shard and node alone'
      )
    } catch (error) {
      process.stdout.write('\n')
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
