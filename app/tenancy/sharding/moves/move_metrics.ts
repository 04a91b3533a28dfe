import db from '@adonisjs/lucid/services/db'
import { metrics } from '#core/observability/metrics'
import type { ShardRouter } from '#tenancy/sharding/shard_router'
import { activeShardMove } from '#tenancy/sharding/moves/active_move'
import { MOVE_STEPS, type MoveRecord, type MoveStep } from '#tenancy/sharding/moves/shard_mover'

const STEPS: MoveStep[] = [...MOVE_STEPS, 'switched', 'completing', 'rolling_back']

/**
 * Shard moves in /metrics, read from shard_moves (the command records its figures there, so the
 * servers report a move that another machine runs). Alerts in ops/prometheus/alerts.yml: a move whose
 * record has not changed for five minutes has stalled.
 */
export function registerShardMoveMetrics(router: ShardRouter) {
  metrics.sampled({
    name: 'shard_move_step',
    help: 'The active shard move, by step (1 for its current step, 0 otherwise)',
    labelNames: ['step'],
    async sample(gauge) {
      const active = await activeMove()
      for (const step of STEPS) gauge.set({ step }, active?.step === step ? 1 : 0)
    },
  })
  const figures = [
    ['shard_move_rows_copied', "Rows of the active move's shard on its target", 'rows_copied'],
    [
      'shard_move_lag_bytes',
      "Replication lag of the active move's copy, in bytes of WAL",
      'lag_bytes',
    ],
  ] as const
  for (const [name, help, column] of figures)
    metrics.sampled({
      name,
      help: `${help} (0 without a move)`,
      async sample(gauge) {
        const active = await activeMove()
        gauge.set(Number(active?.[column] ?? 0))
      },
    })
  metrics.sampled({
    name: 'shard_move_seconds_since_progress',
    help: 'Seconds since the active move last recorded progress (0 without a move, or once switched)',
    async sample(gauge) {
      const active = await activeMove()
      const waiting = !active || active.step === 'switched'
      gauge.set(waiting ? 0 : (Date.now() - new Date(active.updated_at).getTime()) / 1000)
    },
  })
  metrics.sampled({
    name: 'shard_move_last_fence_seconds',
    help: 'How long the last switched move paused writes to its shard',
    async sample(gauge) {
      const last = await db
        .connection('control')
        .from('shard_moves')
        .whereNotNull('fence_ms')
        .orderBy('updated_at', 'desc')
        .select('fence_ms')
        .first()
      gauge.set(Number(last?.fence_ms ?? 0) / 1000)
    },
  })
  metrics.sampled({
    name: 'shard_map_version',
    help: "This process's shard map version (processes that disagree have a stale map)",
    async sample(gauge) {
      gauge.set(router.version)
    },
  })
}

// The gauges above sample within moments of each other: one read serves them all.
let cached: { at: number; move: Promise<MoveRecord | null> } | undefined

function activeMove(): Promise<MoveRecord | null> {
  if (!cached || Date.now() - cached.at > 200) cached = { at: Date.now(), move: activeShardMove() }
  return cached.move
}
