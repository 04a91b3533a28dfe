import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type { PlannedMove, RebalanceStrategy } from '#tenancy/index'
import { shardTools } from './_shard_tools.js'

/** Shared shape of shards:rebalance and shards:drain: plan, show the plan, run it move by move. */
export abstract class ShardPlanCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }

  @flags.string({
    description: 'by_shard_count, by_row_count or by_disk_size',
    default: 'by_shard_count',
  })
  declare strategy: string

  @flags.boolean({ description: 'Show the plan, move nothing' })
  declare dryRun?: boolean

  @flags.string({ description: 'Why (kept with each move)' })
  declare reason?: string

  protected abstract plan(
    tools: Awaited<ReturnType<typeof shardTools>>,
    strategy: RebalanceStrategy
  ): Promise<PlannedMove[]>

  async run() {
    try {
      const { REBALANCE_STRATEGIES } = await import('#tenancy/index')
      const strategy = this.strategy as RebalanceStrategy
      if (!REBALANCE_STRATEGIES.includes(strategy))
        throw new Error(`--strategy must be one of ${REBALANCE_STRATEGIES.join(', ')}`)
      const tools = await shardTools()
      const moves = await this.plan(tools, strategy)
      if (moves.length === 0) {
        this.logger.info('nothing to move')
        return
      }
      const table = this.ui.table().head(['#', 'Shard', 'From', 'To', 'Weight'])
      for (const [index, move] of moves.entries())
        table.row([String(index + 1), String(move.shard), move.from, move.to, String(move.weight)])
      table.render()
      if (this.dryRun) {
        this.logger.info(`dry run: ${moves.length} move(s) planned, none made`)
        return
      }
      await tools.rebalancer.run(moves, this.reason ?? this.commandName, (move, index) =>
        process.stdout.write(
          `\nmove ${index + 1}/${moves.length}: shard ${move.shard} ${move.from} -> ${move.to}\n`
        )
      )
      process.stdout.write('\n')
      this.logger.success(`${moves.length} shard(s) moved`)
    } catch (error) {
      process.stdout.write('\n')
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
