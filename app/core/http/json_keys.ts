import string from '@adonisjs/core/helpers/string'

/**
 * The one wire-format serializer (docs/decisions/wire-format.md). Services are typed camelCase
 * TypeScript; every HTTP response (`request_context_middleware.ts`), socket.io payload
 * (`core/realtime/realtime.ts`), webhook body and exported document goes through `snakeKeys` on its
 * way out. Only keys change, never values, and only keys written in camelCase: snake_case keys, and
 * keys such as "postgres:shard_a" or "menu.menu_items", come out as they went in, so converting
 * twice is harmless.
 *
 * Values that are data rather than shape (a stored JSON blob the merchant or a client wrote, a
 * row's column values) are wrapped in `verbatim()` by the code that knows they are data: their
 * keys are passed through as is.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const CAMEL_CASE_KEY = /^[a-z][a-z0-9]*[A-Z]/

/** True for a key written in camelCase (`createdAt`), the shape the wire never carries. */
export const isCamelCaseKey = (key: string) => CAMEL_CASE_KEY.test(key)

/** Marks data whose keys must reach the wire unchanged; JSON.stringify writes the value itself. */
export class Verbatim<T = unknown> {
  constructor(readonly value: T) {}
  toJSON() {
    return this.value
  }
}

export const verbatim = <T>(value: T) => new Verbatim(value)

/**
 * Converted keys, remembered: keys come from our own types and columns, so the set is small; the bound
 * only guards against a caller that passes data (which belongs in verbatim()) as shape.
 */
const SNAKE_KEYS_KEPT = 10_000
const snakeKeyCache = new Map<string, string>()

function snakeKey(key: string): string {
  let converted = snakeKeyCache.get(key)
  if (converted === undefined) {
    converted = isCamelCaseKey(key) ? string.snakeCase(key) : key
    if (snakeKeyCache.size < SNAKE_KEYS_KEPT) snakeKeyCache.set(key, converted)
  }
  return converted
}

export function snakeKeys<T>(value: T): Json {
  if (value instanceof Verbatim) return value as unknown as Json
  if (Array.isArray(value)) return value.map((entry) => snakeKeys(entry))
  if (value === null || typeof value !== 'object') return value as Json
  if (Buffer.isBuffer(value)) return value as unknown as Json
  // Lucid models, luxon DateTimes and Dates say for themselves what they look like as JSON.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return snakeKeys((value as unknown as { toJSON(): unknown }).toJSON())
  const out: { [key: string]: Json } = {}
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const entry = value[key]
    if (entry === undefined) continue
    out[snakeKey(key)] = snakeKeys(entry)
  }
  return out
}
