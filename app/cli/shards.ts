import type { Command } from 'commander'
import type { ApiClient } from './api_client.js'
import { CliError, EXIT } from './cli_error.js'
import { printJson, printTable } from './output.js'

type Helpers = {
  call: (...args: Parameters<ApiClient['request']>) => Promise<any>
  json: () => boolean
  log: (message: string) => void
  requireReason: (reason: string | undefined) => string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * `gudbro shards ...`: the admin API queues each operation as a job; the CLI then follows the status
 * (step, rows copied, lag) until the shards are where they were asked to be, or the move records an
 * error. Ctrl-C stops following, not the job.
 */
export function addShardCommands(program: Command, { call, json, log, requireReason }: Helpers) {
  const status = async () => {
    const result = await call('GET', '/api/v1/admin/shards')
    return result.data
  }

  /** Polls until `done(status)`; fails with the active move's error. */
  async function follow(done: (state: any) => boolean) {
    let lastLine = ''
    for (;;) {
      const state = await status()
      const move = state.active_move
      if (move?.error) throw new CliError(`shard ${move.shard_id}: ${move.error}`, EXIT.failure)
      if (done(state)) return state
      const line = move
        ? `shard ${move.shard_id} ${move.source} -> ${move.target}: ${move.step}, ${move.rows_copied} rows copied, lag ${move.lag_bytes ?? 0} bytes`
        : 'queued'
      if (line !== lastLine) log(line)
      lastLine = line
      await sleep(1000)
    }
  }

  const finish = (state: any, message: string) => {
    if (json()) return printJson(state)
    log(message)
  }

  const shards = program.command('shards').description('Where shards live, and moving them')
  shards
    .command('status')
    .description('Each shard with its node, the nodes, and the move under way')
    .action(async () => {
      const state = await status()
      if (json()) return printJson(state)
      printTable(
        ['shard', 'node', 'merchants'],
        state.shards.map((s: any) => [s.shard_id, s.node, s.merchants])
      )
      printTable(
        ['node', 'shards', 'takes shards'],
        state.nodes.map((n: any) => [n.name, n.shards, n.accepts_shards ? 'yes' : 'no (drained)'])
      )
      const move = state.active_move
      log(
        move
          ? `moving: shard ${move.shard_id} ${move.source} -> ${move.target} (${move.step})`
          : 'no move under way'
      )
    })

  shards
    .command('move <shard> <node>')
    .description('Move a shard online; it stops once switched (then complete or rollback)')
    .option('--reason <text>', 'why (required; audited)')
    .action(async (shard: string, node: string, options: { reason?: string }) => {
      const body = { shard: Number(shard), node, reason: requireReason(options.reason) }
      await call('POST', '/api/v1/admin/shards/moves', { body })
      const state = await follow(
        (s) =>
          s.active_move?.shard_id === body.shard &&
          s.active_move.target === node &&
          s.active_move.step === 'switched'
      )
      finish(
        state,
        `shard ${shard} switched to ${node}: "gudbro shards complete ${shard}" removes the old copy`
      )
    })

  for (const end of ['complete', 'rollback'] as const) {
    shards
      .command(`${end} <shard>`)
      .description(
        end === 'complete'
          ? 'Remove the old copy of a switched shard'
          : 'Move a shard back where it was'
      )
      .option('--reason <text>', 'why (required; audited)')
      .action(async (shard: string, options: { reason?: string }) => {
        const body = { reason: requireReason(options.reason) }
        await call('POST', `/api/v1/admin/shards/moves/${encodeURIComponent(shard)}/${end}`, {
          body,
        })
        const state = await follow((s) => s.active_move?.shard_id !== Number(shard))
        finish(state, `shard ${shard} ${end === 'complete' ? 'completed' : 'rolled back'}`)
      })
  }

  const planned = async (
    path: string,
    options: { strategy?: string; dryRun?: boolean; reason?: string }
  ) => {
    const body = {
      strategy: options.strategy,
      dry_run: options.dryRun ?? false,
      reason: requireReason(options.reason),
    }
    const { data } = await call('POST', path, { body })
    if (!json() || options.dryRun) {
      if (json()) return printJson(data)
      printTable(
        ['shard', 'from', 'to', 'weight'],
        data.plan.map((m: any) => [m.shard, m.from, m.to, m.weight])
      )
      if (options.dryRun) return log(`dry run: ${data.plan.length} move(s) planned, none made`)
    }
    const state = await follow(
      (s) =>
        !s.active_move &&
        data.plan.every(
          (m: any) => s.shards.find((x: any) => x.shard_id === m.shard)?.node === m.to
        )
    )
    finish(state, `${data.plan.length} shard(s) moved`)
  }

  shards
    .command('rebalance')
    .description('Even out the nodes, one move at a time')
    .option('--strategy <name>', 'by_shard_count (default), by_row_count or by_disk_size')
    .option('--dry-run', 'show the plan, move nothing')
    .option('--reason <text>', 'why (required; audited)')
    .action((options) => planned('/api/v1/admin/shards/rebalance', options))

  shards
    .command('drain <node>')
    .description('Move every shard off a node (it then takes none)')
    .option('--strategy <name>', 'by_shard_count (default), by_row_count or by_disk_size')
    .option('--dry-run', 'show the plan, move nothing')
    .option('--reason <text>', 'why (required; audited)')
    .action((node: string, options) =>
      planned(`/api/v1/admin/shards/nodes/${encodeURIComponent(node)}/drain`, options)
    )
}
