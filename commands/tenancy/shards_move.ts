import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { shardTools } from './_shard_tools.js'

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
      const shard = Number(this.shard)
      if (this.complete && this.rollback) throw new Error('--complete or --rollback, not both')
      const { mover } = await shardTools()
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
