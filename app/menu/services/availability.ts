import type { AvailabilityWindow } from '#menu/catalog'

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }
const formatters = new Map<string, Intl.DateTimeFormat>()
// Local clock per time zone, recomputed at most once a second (the hot path reads it per request).
const clocks = new Map<string, { second: number; local: LocalTime }>()

export type LocalTime = { weekday: number; minutes: number }

function formatter(timezone: string) {
  let format = formatters.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timezone, format)
  }
  return format
}

/** The weekday (ISO) and minute of the day at `at` in the given IANA time zone. */
export function localTime(timezone: string, at = Date.now()): LocalTime {
  const second = Math.floor(at / 1000)
  const cached = clocks.get(timezone)
  if (cached && cached.second === second) return cached.local
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(at)
      .map((p) => [p.type, p.value])
  )
  const local = {
    weekday: WEEKDAYS[parts.weekday],
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  }
  clocks.set(timezone, { second, local })
  return local
}

export function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number)
  return hours * 60 + minutes
}

/**
 * Whether a window is open at the given local time. A window whose end is not after its start
 * runs overnight (22:00-02:00): its early-morning part belongs to the day it started.
 */
export function windowOpen(window: AvailabilityWindow, at: LocalTime): boolean {
  const start = toMinutes(window.start)
  const end = toMinutes(window.end)
  const onDay = (day: number) =>
    !window.days || window.days.length === 0 || window.days.includes(day)
  if (start < end) return onDay(at.weekday) && at.minutes >= start && at.minutes < end
  const previousDay = at.weekday === 1 ? 7 : at.weekday - 1
  return (onDay(at.weekday) && at.minutes >= start) || (onDay(previousDay) && at.minutes < end)
}

/** No windows means always available; otherwise any open window makes it available. */
export function isAvailable(windows: AvailabilityWindow[], at: LocalTime): boolean {
  return windows.length === 0 || windows.some((window) => windowOpen(window, at))
}
