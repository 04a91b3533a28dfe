import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Development only: the current second-factor code of a demo account (support@gudbro.test needs one
 * to sign in). Refused in production, where nobody but the account's owner may produce codes.
 */
export default class UsersTotpCode extends BaseCommand {
  static commandName = 'users:totp-code'
  static description = 'Development only: print the current second-factor code of an account'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Account email' })
  declare email: string

  async run() {
    const { default: env } = await import('#start/env')
    if (this.app.inProduction || !['development', 'test'].includes(env.get('NODE_ENV'))) {
      this.logger.error('users:totp-code works in development only')
      this.exitCode = 1
      return
    }
    try {
      const { secondFactors } = await import('#tenancy/index')
      const code = await secondFactors.currentCodeByEmail(this.email)
      if (!code) {
        this.logger.error(`${this.email}: no such account, or no second factor`)
        this.exitCode = 1
        return
      }
      this.logger.log(code)
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
