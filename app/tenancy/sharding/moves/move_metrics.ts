import db from '@adonisjs/lucid/services/db'
import { metrics } from '#core/observability/metrics'
import type { ShardRouter } from '#tenancy/sharding/shard_router'

const STEPS = [
  'prepare',
  'copy',
  'catch_up',
  'fence',
  'verify',
  'switch',
  'switched',
  'completing',
  'rolling_back',
] as const

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
  metrics.sampled({
    name: 'shard_move_rows_copied',
    help: "Rows of the active move's shard on its target (0 without a move)",
    async sample(gauge) {
      const active = await activeMove()
      gauge.set(Number(active?.rows_copied ?? 0))
    },
  })
  metrics.sampled({
    name: 'shard_move_lag_bytes',
    help: "Replication lag of the active move's copy, in bytes of WAL (0 without a move)",
    async sample(gauge) {
      const active = await activeMove()
      gauge.set(Number(active?.lag_bytes ?? 0))
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
let cached: { at: number; row: Promise<ActiveMove | undefined> } | undefined
type ActiveMove = { step: string; rows_copied: string; lag_bytes: string | null; updated_at: Date }

function activeMove(): Promise<ActiveMove | undefined> {
  if (!cached || Date.now() - cached.at > 200)
    cached = {
      at: Date.now(),
      row: db
        .connection('control')
        .from('shard_moves')
        .where('state', 'active')
        .select('step', 'rows_copied', 'lag_bytes', 'updated_at')
        .first() as Promise<ActiveMove | undefined>,
    }
  return cached.row
}
