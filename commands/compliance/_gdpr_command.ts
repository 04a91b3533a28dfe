import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Shared shape of the gdpr:* commands: boots the tenancy core (shard map, module registry), runs the
 * work (bin/console.ts makes the command the audit actor, naming the server account), and turns any
 * failure into a clear message and exit code 1.
 */
export abstract class GdprCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Subject email address (account or guest)' })
  declare email?: string

  @flags.string({ description: 'Subject phone number (guest contact)' })
  declare phone?: string

  protected abstract work(): Promise<void>

  async run() {
    try {
      const { serveTenants } = await import('#providers/tenancy_provider')
      await serveTenants()
      await this.work()
    } catch (error) {
      const message = (error as any)?.messages?.[0]?.message ?? (error as Error).message
      this.logger.error(message)
      this.exitCode = 1
    }
  }

  protected subject() {
    if (!this.email && !this.phone) throw new Error('Name the data subject with --email or --phone')
    return { email: this.email, phone: this.phone }
  }

  protected requireReason(reason: string | undefined) {
    if (!reason || reason.trim().length < 3)
      throw new Error('--reason is required (at least 3 characters): it goes into the audit log')
    return reason.trim()
  }

  protected progress = (event: { node: string; table: string; rows: number }) => {
    if (event.rows > 0) this.logger.info(`${event.node}: ${event.table} ${event.rows} row(s)`)
  }
}
