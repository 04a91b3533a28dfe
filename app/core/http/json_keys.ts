import string from '@adonisjs/core/helpers/string'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * The API speaks snake_case JSON while the services are typed camelCase TypeScript: responses and
 * stored JSON go through this at the edge. Only keys change (values such as event types or metric
 * names are left alone); snake_case keys come out unchanged, so converting twice is harmless.
 */
export function snakeKeys<T>(value: T): Json {
  if (Array.isArray(value)) return value.map((entry) => snakeKeys(entry))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [string.snakeCase(key), snakeKeys(entry)]))
  }
  return value as Json
}
