import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class ShardsStatus extends BaseCommand {
  static commandName = 'shards:status'
  static description = 'Show where each logical shard lives and how many merchants it holds'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { shardStatus } = await import('#tenancy/index')
    const status = await shardStatus()
    const table = this.ui.table().head(['Shard', 'Node', 'Merchants'])
    for (const shard of status.shards)
      table.row([String(shard.shard_id), shard.node, String(shard.merchants)])
    table.render()
    // Declared and registered nodes alike (a registered node's URL is never shown).
    const nodes = this.ui.table().head(['Node', 'Shards', 'Accepts shards'])
    for (const node of status.nodes)
      nodes.row([node.name, String(node.shards), node.accepts_shards ? 'yes' : 'no (drained)'])
    nodes.render()
  }
}
