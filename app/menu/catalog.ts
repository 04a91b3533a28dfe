/**
 * The codes the menu accepts. Allergens are the 14 of EU Regulation 1169/2011 (Annex II);
 * anything else is refused at validation so filters can rely on the spelling.
 */
export const EU_ALLERGENS = [
  'gluten',
  'crustaceans',
  'eggs',
  'fish',
  'peanuts',
  'soy',
  'milk',
  'nuts',
  'celery',
  'mustard',
  'sesame',
  'sulphites',
  'lupin',
  'molluscs',
] as const
export type Allergen = (typeof EU_ALLERGENS)[number]

export const DIETARY_FLAGS = [
  'vegan',
  'vegetarian',
  'gluten_free',
  'dairy_free',
  'nut_free',
  'halal',
  'kosher',
  'organic',
  'spicy',
] as const
export type DietaryFlag = (typeof DIETARY_FLAGS)[number]

/** What a rental item is priced per (the rentals vertical). */
export const RENTAL_UNITS = ['hour', 'day', 'week'] as const
export type RentalUnit = (typeof RENTAL_UNITS)[number]

/** A time window in the merchant's time zone; days are ISO weekdays (1 = Monday), all days when absent. */
export type AvailabilityWindow = { days?: number[]; start: string; end: string }

/** Seed 1.1 TTLs. */
export const MenuCacheTTL = { MENU: 300 } as const
