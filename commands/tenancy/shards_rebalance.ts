import { ShardPlanCommand } from './_shard_plan_command.js'

/** Evens out the nodes that take shards, one online move at a time (each completed before the next). */
export default class ShardsRebalance extends ShardPlanCommand {
  static commandName = 'shards:rebalance'
  static description =
    'Move shards so that the nodes even out (by shard count, row count or disk size)'

  protected plan: ShardPlanCommand['plan'] = ({ rebalancer }, strategy) =>
    rebalancer.planRebalance(strategy)
}
