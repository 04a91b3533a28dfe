import string from '@adonisjs/core/helpers/string'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * The API speaks snake_case JSON while the services are typed camelCase TypeScript: responses and
 * stored JSON go through this at the edge. Only keys change (values such as event types or metric
 * names are left alone); snake_case keys come out unchanged, so converting twice is harmless.
 *
 * `verbatim` names keys (as written in TypeScript) whose values are data rather than shape, e.g. a
 * row's column values or counts keyed by "module.table": their own keys are passed through as is.
 */
export function snakeKeys<T>(value: T, verbatim: ReadonlySet<string> = NONE): Json {
  if (Array.isArray(value)) return value.map((entry) => snakeKeys(entry, verbatim))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [string.snakeCase(key), verbatim.has(key) ? (entry as Json) : snakeKeys(entry, verbatim)])
    )
  }
  return value as Json
}

const NONE: ReadonlySet<string> = new Set()
