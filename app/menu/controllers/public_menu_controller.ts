import type { HttpContext } from '@adonisjs/core/http'
import { AppException } from '#core/exceptions/app_exception'
import { publicMenus } from '#menu/services/public_menu'
import { isFilterError, parseMenuFilters } from '#menu/services/menu_filters'
import { matchesEtag, publicMenuHeaders, searchOf } from '#menu/http/menu_http'
import { MenuUnavailableException } from '#menu/exceptions'
import { ValidationException } from '#core/exceptions/http_errors'

/**
 * GET /api/v1/menus/:merchantSlug (the kernel resolved the merchant from the slug). The early
 * edge middleware answers fresh memory hits before this runs; everything else lands here.
 */
export default class PublicMenuController {
  async show(ctx: HttpContext) {
    const filters = parseMenuFilters(searchOf(ctx.request.request.url))
    if (isFilterError(filters))
      throw new ValidationException(filters.message, { field: filters.field })
    const merchant = ctx.merchant!
    let read
    try {
      read = await publicMenus.read({ id: merchant.id, timezone: merchant.timezone }, filters)
    } catch (error) {
      if (error instanceof AppException) throw error
      // The shard is unreachable and no stale copy is left: say so instead of a bare 500.
      throw new MenuUnavailableException(undefined, { cause: error })
    }
    for (const [name, value] of Object.entries(publicMenuHeaders(read.rendered, read.outcome))) {
      ctx.response.header(name, value)
    }
    if (matchesEtag(ctx.request.header('if-none-match'), read.rendered.etag)) {
      return ctx.response.status(304).send(null)
    }
    return ctx.response.status(200).send(read.rendered.body, false)
  }
}
