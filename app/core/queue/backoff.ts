/**
 * Exponential backoff with "equal jitter": half the exponential delay fixed, half random, so that
 * retries after a shared outage do not arrive in lockstep. Capped at one hour.
 */
export function jitteredBackoff(
  attemptsMade: number,
  baseDelayMs: number,
  random = Math.random
): number {
  const exponential = Math.min(baseDelayMs * 2 ** Math.max(0, attemptsMade - 1), 3_600_000)
  return Math.round(exponential / 2 + random() * (exponential / 2))
}
