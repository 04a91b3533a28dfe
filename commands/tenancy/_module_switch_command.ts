import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/** Shared shape of modules:enable and modules:disable (one service, two directions). */
export abstract class ModuleSwitchCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }
  protected abstract enable: boolean

  @args.string({ description: 'Merchant slug or id' })
  declare merchant: string

  @args.string({ description: 'Module name' })
  declare module: string

  @flags.string({ description: 'Why (kept with the override)' })
  declare reason?: string

  async run() {
    const { bootModuleRegistry, moduleAccess } = await import('#tenancy/index')
    await bootModuleRegistry()
    try {
      const change = this.enable
        ? moduleAccess.enable.bind(moduleAccess)
        : moduleAccess.disable.bind(moduleAccess)
      const merchant = await change(this.merchant, this.module, { reason: this.reason })
      this.logger.success(
        `${this.module} ${this.enable ? 'enabled' : 'disabled'} for ${merchant!.slug}; modules now: ${merchant!.modules.join(', ')}`
      )
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
