/**
 * One bounded shutdown per process (HTTP server, queue worker, ace commands). On SIGTERM or SIGINT, or
 * when the supervising parent goes away (its IPC channel closes: see scripts/supervisor.ts), the steps
 * run once, in order, and the process exits. If they take longer than the limit it exits anyway, with
 * one line naming the step it was still waiting for: a shutdown never hangs, and a repeated signal
 * never starts a second one.
 */
export const SHUTDOWN_TIMEOUT_MS = 10_000

type Step = { name: string; run: () => unknown }

export class GracefulShutdown {
  #steps: Step[] = []
  #installed = false
  #started = false
  #current = ''

  /** Runs `run` before the steps already registered (the worker drains its jobs before the app closes). */
  first(name: string, run: () => unknown) {
    this.#steps.unshift({ name, run })
    return this
  }

  /** Runs `run` after the steps already registered. */
  then(name: string, run: () => unknown) {
    this.#steps.push({ name, run })
    return this
  }

  install(timeoutMs = SHUTDOWN_TIMEOUT_MS) {
    if (this.#installed) return this
    this.#installed = true
    process.on('SIGTERM', () => void this.run('SIGTERM', timeoutMs))
    process.on('SIGINT', () => void this.run('SIGINT', timeoutMs))
    // Spawned with an IPC channel by a supervisor: when it dies, so do we (never an orphan).
    if (process.send) process.once('disconnect', () => void this.run('supervisor gone', timeoutMs))
    return this
  }

  async run(reason: string, timeoutMs = SHUTDOWN_TIMEOUT_MS) {
    if (this.#started) return
    this.#started = true
    const timer = setTimeout(() => {
      const handles = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout')
      process.stderr.write(
        `shutdown (${reason}) still waiting for "${this.#current}" after ${timeoutMs / 1000}s ` +
          `(open: ${summarize(handles)}); exiting anyway\n`
      )
      process.exit(1)
    }, timeoutMs)
    for (const step of this.#steps) {
      this.#current = step.name
      try {
        await step.run()
      } catch (error) {
        process.stderr.write(
          `shutdown step "${step.name}" failed: ${(error as Error)?.message ?? error}\n`
        )
        process.exitCode = 1
      }
    }
    clearTimeout(timer)
    process.exit()
  }
}

function summarize(kinds: string[]) {
  const counts = new Map<string, number>()
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'nothing'
}

/** The process-wide shutdown. */
export const gracefulShutdown = new GracefulShutdown()
