/** Domain events of the menu module. */
export type MenuUpdated = {
  merchantId: string
  /** What changed, for logs: 'category.created', 'item.sold_out', 'import' ... */
  reason: string
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'menu.updated': MenuUpdated
  }
}
