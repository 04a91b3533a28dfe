import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import env from '#start/env'
import type { MoveProgress } from '#tenancy/index'

/**
 * Moves a logical shard to another node online (app/tenancy/sharding/moves/shard_mover.ts). The move
 * stops once switched, with the old copy kept current; --complete removes it, --rollback moves the shard
 * back. Run it again after a crash: it resumes (or finishes the rollback) from the recorded step.
 */
export default class ShardsMove extends BaseCommand {
  static commandName = 'shards:move'
  static description = 'Move a shard to another node online; --complete or --rollback afterwards'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Logical shard (0-15)' })
  declare shard: string

  @args.string({ description: 'Target node (as in shards:status)', required: false })
  declare node?: string

  @flags.boolean({ description: 'Remove the old copy of a switched shard' })
  declare complete?: boolean

  @flags.boolean({ description: 'Move the shard back where it was and remove the new copy' })
  declare rollback?: boolean

  @flags.string({ description: 'Why (kept with the move)' })
  declare reason?: string

  async run() {
    try {
      const { shardRouter, ShardMover } = await import('#tenancy/index')
      const { shardNodes } = await import('#config/database')
      const shard = Number(this.shard)
      if (this.complete && this.rollback) throw new Error('--complete or --rollback, not both')
      const mover = new ShardMover(shardRouter, {
        nodeUrls: Object.fromEntries(shardNodes.map((node) => [node.name, node.url])),
        controlUrl: env.get('DATABASE_URL'),
        report: progressPrinter(),
      })
      if (this.complete) await mover.complete(shard)
      else if (this.rollback) await mover.rollback(shard)
      else {
        if (!this.node) throw new Error('name the target node: shards:move <shard> <node>')
        const move = await mover.move(shard, this.node, this.reason)
        process.stdout.write('\n')
        this.logger.success(
          `shard ${shard} switched to ${move.target} (writes paused ${move.fence_ms} ms); ` +
            `its old copy on ${move.source} stays current: --complete removes it, --rollback goes back`
        )
        return
      }
      process.stdout.write('\n')
    } catch (error) {
      process.stdout.write('\n')
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}

function megabytes(bytes: number) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/**
 * One line per step, redrawn in place on a terminal; a line every few seconds otherwise.
 * SHARD_MOVE_CRASH_AT=<step> kills the command (SIGKILL) the first time that step reports: the
 * crash-and-resume tests use it to stop the move at each step in turn.
 */
function progressPrinter() {
  let lastStep = ''
  let lastPrinted = 0
  const crashAt = process.env.SHARD_MOVE_CRASH_AT
  return (progress: MoveProgress) => {
    if (crashAt && progress.step === crashAt) process.kill(process.pid, 'SIGKILL')
    const figures = [
      progress.rowsTotal !== undefined
        ? `${progress.rowsCopied ?? 0}/${progress.rowsTotal} rows`
        : '',
      progress.lagBytes !== undefined ? `lag ${megabytes(progress.lagBytes)}` : '',
    ].filter(Boolean)
    const line = `[${progress.step}] ${progress.message}${figures.length ? `  ${figures.join('  ')}` : ''}`
    const changed = progress.step !== lastStep
    if (process.stdout.isTTY) {
      process.stdout.write(`${changed && lastStep ? '\n' : '\r'}${line}\x1b[K`)
    } else if (changed || Date.now() - lastPrinted > 2000) {
      process.stdout.write(`${line}\n`)
      lastPrinted = Date.now()
    }
    lastStep = progress.step
  }
}
