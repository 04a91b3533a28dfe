import { writeFile } from 'node:fs/promises'
import { flags } from '@adonisjs/core/ace'
import { GdprCommand } from './_gdpr_command.js'

export default class GdprExport extends GdprCommand {
  static commandName = 'gdpr:export'
  static description = 'Export everything held about a data subject (Art. 15/20) as JSON'

  @flags.string({ description: 'File to write (mode 0600)' })
  declare out?: string

  @flags.string({ description: 'Why (kept in the audit log)' })
  declare reason?: string

  protected async work() {
    const subject = this.subject()
    const reason = this.requireReason(this.reason)
    if (!this.out) throw new Error('--out <file> is required')
    const { gdprExport, exportDocumentJson } = await import('#compliance/index')
    const started = Date.now()
    const { requestId, document } = await gdprExport.export({
      ...subject,
      reason,
      via: 'command',
      onProgress: this.progress,
    })
    await writeFile(this.out, JSON.stringify(exportDocumentJson(document), null, 2), {
      mode: 0o600,
    })
    const rows = Object.values(document.counts).reduce((sum, n) => sum + n, 0)
    this.logger.success(
      `request ${requestId}: ${rows} row(s) written to ${this.out} in ${Date.now() - started} ms`
    )
  }
}
