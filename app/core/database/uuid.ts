/** The shape PostgreSQL's uuid type reads (any version), as ids are written on the wire. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether a value can be compared with a uuid column: anything else would make PostgreSQL fail
 * the whole query (22P02) where the caller means "no such row".
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}
