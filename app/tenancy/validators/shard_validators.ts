import vine from '@vinejs/vine'
import { REBALANCE_STRATEGIES } from '#tenancy/sharding/moves/rebalance_plan'

const reason = vine.string().trim().minLength(3).maxLength(500)
const node = vine
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,62}$/)

export const shardMoveValidator = vine.compile(
  vine.object({ shard: vine.number().withoutDecimals().min(0).max(10_000), node, reason })
)

export const shardMoveEndValidator = vine.compile(vine.object({ reason }))

export const shardPlanValidator = vine.compile(
  vine.object({
    strategy: vine.enum(REBALANCE_STRATEGIES).optional(),
    dry_run: vine.boolean().optional(),
    reason,
  })
)
