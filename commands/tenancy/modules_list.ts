import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class ModulesList extends BaseCommand {
  static commandName = 'modules:list'
  static description = "Show a merchant's modules: enabled or not, and why"
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Merchant slug or id' })
  declare merchant: string

  async run() {
    const { bootModuleRegistry, moduleAccess } = await import('#tenancy/index')
    await bootModuleRegistry()
    try {
      const { merchant, modules } = await moduleAccess.list(this.merchant)
      this.logger.info(`${merchant.name} (${merchant.slug}), tier ${merchant.tier}`)
      const table = this.ui.table().head(['Module', 'Enabled', 'Source', 'Depends on', 'Note'])
      for (const m of modules)
        table.row([
          m.module,
          m.enabled ? 'yes' : 'no',
          m.source,
          m.depends_on.join(', '),
          m.reason ?? '',
        ])
      table.render()
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
