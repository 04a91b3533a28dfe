import { DIETARY_FLAGS, EU_ALLERGENS } from '#menu/catalog'

export type MenuFilters = { dietary: string[]; excludeAllergens: string[] }
export type FilterError = { field: string; message: string }

const DIETARY = new Set<string>(DIETARY_FLAGS)
const ALLERGENS = new Set<string>(EU_ALLERGENS)

function codes(params: URLSearchParams, name: string): string[] {
  const values = params.getAll(name).flatMap((value) => value.split(','))
  return [...new Set(values.map((value) => value.trim().toLowerCase()).filter(Boolean))].sort()
}

/**
 * `?dietary=vegan,gluten_free&exclude_allergens=nuts,milk` from a raw query string. Codes are
 * normalised (trimmed, lower case, sorted, deduplicated) so equal filters share one cache entry.
 */
const NO_FILTERS: MenuFilters = Object.freeze({ dietary: [], excludeAllergens: [] }) as MenuFilters

export function parseMenuFilters(search: string): MenuFilters | FilterError {
  if (search === '') return NO_FILTERS
  const params = new URLSearchParams(search)
  const dietary = codes(params, 'dietary')
  const excludeAllergens = codes(params, 'exclude_allergens')
  const badFlag = dietary.find((flag) => !DIETARY.has(flag))
  if (badFlag)
    return {
      field: 'dietary',
      message: `Unknown dietary flag "${badFlag}"; use one of ${DIETARY_FLAGS.join(', ')}`,
    }
  const badAllergen = excludeAllergens.find((code) => !ALLERGENS.has(code))
  if (badAllergen) {
    return {
      field: 'exclude_allergens',
      message: `Unknown allergen "${badAllergen}"; use one of ${EU_ALLERGENS.join(', ')}`,
    }
  }
  return { dietary, excludeAllergens }
}

export function isFilterError(value: MenuFilters | FilterError): value is FilterError {
  return 'field' in value
}
