/** Polls a condition (a state, never a duration assertion); fails with `what` if it never holds. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  limitMs = 15_000,
  everyMs = 25
) {
  const deadline = Date.now() + limitMs
  while (true) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
