/**
 * Analytics days are UTC calendar days (partitions, aggregates, the materialized view and the
 * dashboard all agree on this). Days travel as 'YYYY-MM-DD' strings.
 */
const DAY_MS = 86_400_000
const DAY = /^\d{4}-\d{2}-\d{2}$/

export function isDay(value: string): boolean {
  return DAY.test(value) && toDay(new Date(`${value}T00:00:00Z`)) === value
}

export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS))
}

export function today(now = new Date()): string {
  return toDay(now)
}

/** [start, end) of a UTC day as instants. */
export function dayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(`${day}T00:00:00Z`)
  return { start, end: new Date(start.getTime() + DAY_MS) }
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days
}
