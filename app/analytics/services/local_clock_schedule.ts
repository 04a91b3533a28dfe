import { merchantDirectory } from '#tenancy/index'
import { addDays, localMinutes, localToday } from '#analytics/services/local_days'

/**
 * Jobs that run at a local hour in each merchant's time zone (02:00 aggregation, 06:00 briefings) hang
 * off one UTC schedule every quarter hour: quarter-hour steps reach every zone offset in use (+05:45,
 * +12:45, -09:30 ...). Each tick picks the merchants whose local clock reached the hour since the
 * previous tick, so a DST jump over the hour still fires (at 03:00 on a spring-forward night) and a
 * repeated hour fires once. The per-merchant jobs carry an id per merchant and day, so a repeated tick
 * is a no-op.
 */
export const TICK_MINUTES = 15
export const TICK_CRON = `*/${TICK_MINUTES} * * * *`
const TICK_MS = TICK_MINUTES * 60_000

/** The quarter hour a tick belongs to (a job starts a little after its scheduled instant). */
export function tickOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / TICK_MS) * TICK_MS)
}

/**
 * The merchants whose local clock reached `hour`:00 during (tick - 15 min, tick], each with the local
 * day that just ended ("yesterday" for them at that tick).
 */
export function reachingLocalHour<M extends { timezone: string }>(
  merchants: M[],
  hour: number,
  tick: Date
) {
  const target = hour * 60
  const previous = new Date(tick.getTime() - TICK_MS)
  return merchants
    .filter(
      (merchant) =>
        localMinutes(merchant.timezone, previous) < target &&
        localMinutes(merchant.timezone, tick) >= target
    )
    .map((merchant) => ({ merchant, day: addDays(localToday(merchant.timezone, tick), -1) }))
}

/**
 * What a quarter-hourly fan-out job does first: the tick of `at` (its payload's replacement for now:
 * tests, or replaying a missed tick) and the active merchants whose local clock reached `hour` then.
 */
export async function merchantsReachingLocalHour(hour: number, at?: string) {
  const tick = tickOf(at ? new Date(at) : new Date())
  if (Number.isNaN(tick.getTime())) throw new Error(`not an instant: ${JSON.stringify(at)}`)
  return {
    tick,
    due: reachingLocalHour(await merchantDirectory.activeMerchantClocks(), hour, tick),
  }
}
