import { flags } from '@adonisjs/core/ace'
import { GdprCommand } from './_gdpr_command.js'

export default class GdprErase extends GdprCommand {
  static commandName = 'gdpr:erase'
  static description =
    'Erase a data subject (Art. 17): anonymize now on every shard, hard delete in 90 days'

  @flags.string({ description: 'Why (kept with the request and in the audit log)' })
  declare reason?: string

  @flags.boolean({ description: 'Print the receipt as JSON' })
  declare json?: boolean

  protected async work() {
    const subject = this.subject()
    const reason = this.requireReason(this.reason)
    const { gdprErasure, requestJson } = await import('#compliance/index')
    const { receipt } = await gdprErasure.erase({
      ...subject,
      reason,
      via: 'command',
      onProgress: this.progress,
    })
    if (this.json) {
      console.log(JSON.stringify(requestJson(receipt), null, 2))
      return
    }
    const rows = Object.values(receipt.anonymized).reduce((sum, n) => sum + n, 0)
    this.logger.success(
      `request ${receipt.id}: ${rows} row(s) anonymized; legal deadline ${receipt.legalDeadline}; hard delete due ${receipt.hardDeleteDueAt}`
    )
  }
}
