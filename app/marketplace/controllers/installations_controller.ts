import type { HttpContext } from '@adonisjs/core/http'
import { installations } from '#marketplace/services/installations'
import { noStore } from '#marketplace/controllers/helpers'

/** The merchant's installed apps, as its owner manages them. */
export default class InstallationsController {
  async index(ctx: HttpContext) {
    noStore(ctx)
    return { data: await installations.active() }
  }

  async destroy(ctx: HttpContext) {
    noStore(ctx)
    return { data: await installations.uninstall(ctx.params.id) }
  }
}
