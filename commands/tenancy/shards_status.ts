import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import db from '@adonisjs/lucid/services/db'

export default class ShardsStatus extends BaseCommand {
  static commandName = 'shards:status'
  static description = 'Show where each logical shard lives and how many merchants it holds'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { shardRouter } = await import('#tenancy/index')
    await shardRouter.load()
    const counts = await db
      .connection('control')
      .from('merchants')
      .select('shard_id')
      .count('* as merchants')
      .groupBy('shard_id')
    const byShard = new Map(counts.map((row) => [Number(row.shard_id), Number(row.merchants)]))
    const table = this.ui.table().head(['Shard', 'Node', 'Merchants'])
    for (const { shardId, connection } of shardRouter.snapshot())
      table.row([String(shardId), connection, String(byShard.get(shardId) ?? 0)])
    table.render()
  }
}
