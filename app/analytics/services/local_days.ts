import { DateTime, IANAZone } from 'luxon'

/**
 * Analytics days are the merchant's local calendar days (its `timezone`, like the orders' business
 * day). Days travel as 'YYYY-MM-DD' strings; a day's bounds are instants, computed with the zone's
 * rules for that date, so a DST day is 23 or 25 hours long. Partitions stay UTC months: a local day
 * may straddle two of them.
 */
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The merchant's zone, or UTC when it is not a zone this runtime knows (never a crash on bad data). */
export function zoneOf(timezone: string): string {
  return IANAZone.isValidZone(timezone) ? timezone : 'UTC'
}

export function isDay(value: string): boolean {
  return DAY.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid
}

/** The UTC calendar day of an instant (partition months are UTC). */
export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!
}

/** The merchant's local date at `now`. */
export function localToday(timezone: string, now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: zoneOf(timezone) }).toISODate()!
}

/** Minutes since local midnight at `at` in the zone (wall clock: 03:00 right after a spring-forward is 180). */
export function localMinutes(timezone: string, at: Date): number {
  const local = DateTime.fromJSDate(at, { zone: zoneOf(timezone) })
  return local.hour * 60 + local.minute
}

/** [start, end) of a local day as instants. */
export function dayBounds(day: string, timezone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(day, { zone: zoneOf(timezone) }).startOf('day')
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() }
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days
}
