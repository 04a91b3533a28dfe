import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * How a platform support account gets its first second factor (support cannot sign in without one),
 * or a new one after a lost phone: an operator with server access enrols it and hands the URI and
 * the recovery codes to the person over a trusted channel. Shown once; audited; the account is mailed.
 */
export default class UsersSecondFactor extends BaseCommand {
  static commandName = 'users:second-factor'
  static description =
    'Enrol (or replace) the second factor of an account: prints its otpauth URI and recovery codes once'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Account email' })
  declare email: string

  @flags.boolean({ description: 'Print JSON' })
  declare json?: boolean

  async run() {
    try {
      const { secondFactors } = await import('#tenancy/index')
      const enrolled = await secondFactors.enrolByEmail(this.email)
      if (!enrolled) {
        this.logger.error(`No account with the email ${this.email}`)
        this.exitCode = 1
        return
      }
      const { user, secret, otpauth_uri: uri, recovery_codes: codes } = enrolled
      if (this.json)
        return this.logger.log(
          JSON.stringify({ email: user.email, secret, otpauth_uri: uri, recovery_codes: codes })
        )
      this.logger.info(`Second factor enrolled for ${user.email} (any earlier one replaced).`)
      this.logger.log(
        `\nAdd it to an authenticator app (shown once):\n  ${uri}\n  secret: ${secret}`
      )
      this.logger.log(`\nRecovery codes (each works once; shown once):`)
      for (const code of codes) this.logger.log(`  ${code}`)
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
