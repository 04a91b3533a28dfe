/**
 * The menu module's public surface. Other modules import from here only.
 */
export { EU_ALLERGENS, DIETARY_FLAGS, RENTAL_UNITS, MenuCacheTTL } from '#menu/catalog'
export type { Allergen, DietaryFlag, RentalUnit, AvailabilityWindow } from '#menu/catalog'
export type { MenuUpdated } from '#menu/events'
/** Read service: the current merchant's catalog in one query (orders price their lines from it). */
export { loadMenu } from '#menu/services/menu_query'
export type {
  MenuCategoryView,
  MenuItemView,
  MenuModifierGroup,
  MenuOption,
} from '#menu/services/menu_query'
/** Read service for ordering: the named items with modifiers, prices and whether they can be ordered. */
export { loadOrderableItems } from '#menu/services/orderable_items'
export type { OrderableItem, Unorderable } from '#menu/services/orderable_items'
/** Read service for figures: catalog names by item id (unknown ids absent). */
export { loadItemNames } from '#menu/services/item_names'
