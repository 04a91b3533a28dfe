import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import { publicMenus } from '#menu/services/public_menu'
import type { MenuUpdated } from '#menu/events'

/**
 * A staff edit bumps the merchant's cache version, so the very next read (in any process) rebuilds.
 * The edit is already committed: if Redis is unreachable the write still succeeds (the copies then
 * age out within the menu TTL), so this logs instead of failing the request.
 */
export default async function invalidateMenuCache({ merchantId, reason }: MenuUpdated) {
  try {
    await publicMenus.invalidate(merchantId)
  } catch (error) {
    logger.warn({ err: error, merchant_id: merchantId, reason }, 'menu cache invalidation failed')
  }
}

emitter.on('menu.updated', invalidateMenuCache)
