import emitter from '@adonisjs/core/services/emitter'
import { publicMenus } from '#menu/services/public_menu'
import type { MenuUpdated } from '#menu/events'

/** A staff edit bumps the merchant's cache version, so the very next read (in any process) rebuilds. */
export default async function invalidateMenuCache({ merchantId }: MenuUpdated) {
  await publicMenus.invalidate(merchantId)
}

emitter.on('menu.updated', invalidateMenuCache)
