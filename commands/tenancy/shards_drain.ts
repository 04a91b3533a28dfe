import { args, flags } from '@adonisjs/core/ace'
import { ShardPlanCommand } from './_shard_plan_command.js'

/**
 * Empties a node: marks it drained (rebalancing gives it nothing) and moves each of its shards to the
 * lightest other node. --undo lets it take shards again (shards:rebalance then fills it).
 */
export default class ShardsDrain extends ShardPlanCommand {
  static commandName = 'shards:drain'
  static description = 'Move every shard off a node, which then takes none until --undo'

  @args.string({ description: 'Node to empty (as in shards:status)' })
  declare node: string

  @flags.boolean({ description: 'Let the node take shards again' })
  declare undo?: boolean

  protected plan: ShardPlanCommand['plan'] = async ({ rebalancer }, strategy) => {
    if (!rebalancer.router.nodes().includes(this.node))
      throw new Error(`"${this.node}" is not a shard node`)
    if (this.undo) {
      await rebalancer.setAccepting(this.node, true)
      this.logger.info(`${this.node} takes shards again: run shards:rebalance to fill it`)
      return []
    }
    const moves = await rebalancer.planDrain(this.node, strategy)
    if (!this.dryRun) await rebalancer.setAccepting(this.node, false)
    return moves
  }
}
