import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class GdprRequestsCommand extends BaseCommand {
  static commandName = 'gdpr:requests'
  static description = 'List data-subject requests and their deadlines (open ones by default)'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Include finished requests' })
  declare all?: boolean

  @flags.boolean({ description: 'Print JSON' })
  declare json?: boolean

  async run() {
    try {
      const { gdprRequests, presentRequest, requestJson } = await import('#compliance/index')
      const { rows, total } = await gdprRequests.list({ open: !this.all, perPage: 200 })
      const requests = rows.map(presentRequest)
      if (this.json)
        return console.log(JSON.stringify({ data: requests.map(requestJson), total }, null, 2))
      if (requests.length === 0)
        return this.logger.info(this.all ? 'no requests' : 'no open requests')
      const table = this.ui.table()
      table.head(['id', 'kind', 'status', 'received', 'legal deadline', 'hard delete due'])
      for (const r of requests) {
        table.row([
          r.id,
          r.kind,
          r.status,
          r.receivedAt ?? '',
          r.legalDeadline ?? '',
          r.hardDeleteDueAt ?? '-',
        ])
      }
      table.render()
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
