import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import { briefingService } from '#ai_briefings/briefing_service'

const listValidator = vine.compile(
  vine.object({ limit: vine.number().withoutDecimals().range([1, 90]).optional() })
)

/** The merchant's stored daily briefings, newest first (staff only). */
export default class BriefingsController {
  async index({ request, response }: HttpContext) {
    const { limit } = await listValidator.validate(request.qs())
    response.header('Cache-Control', 'private, no-store')
    return { data: await briefingService.list(limit ?? 30) }
  }
}
