/**
 * Keeps the platform's processes running for `npm start`: a child that exits on its own is logged and
 * started again after a backoff (1 s, doubling up to 30 s; back to 1 s once it has run for a minute),
 * while the others keep serving. Children get an IPC channel: when the supervisor dies, however it dies,
 * the channel closes and they shut down (app/core/process/graceful_shutdown.ts), so none is orphaned.
 * stop() sends SIGTERM and, after the children's own shutdown limit plus a margin, SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export type ChildSpec = { name: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string }

const FIRST_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 30_000
const HEALTHY_AFTER_MS = 60_000
export const STOP_TIMEOUT_MS = 15_000

function log(message: string) {
  process.stdout.write(`[platform] ${message}\n`)
}

type Supervised = {
  spec: ChildSpec
  child?: ChildProcess
  startedAt: number
  backoffMs: number
  timer?: NodeJS.Timeout
}

export class Supervisor {
  #children: Supervised[] = []
  #stopping = false

  add(spec: ChildSpec) {
    const entry: Supervised = { spec, startedAt: 0, backoffMs: FIRST_BACKOFF_MS }
    this.#children.push(entry)
    this.#start(entry)
  }

  #start(entry: Supervised) {
    entry.timer = undefined
    entry.startedAt = Date.now()
    const child = spawn(process.execPath, entry.spec.args, {
      cwd: entry.spec.cwd,
      env: entry.spec.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    entry.child = child
    log(`${entry.spec.name} started (pid ${child.pid})`)
    child.once('error', (error) => log(`${entry.spec.name} could not start: ${error.message}`))
    child.once('exit', (code, signal) => {
      if (this.#stopping) return
      if (Date.now() - entry.startedAt >= HEALTHY_AFTER_MS) entry.backoffMs = FIRST_BACKOFF_MS
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
      log(`${entry.spec.name} (pid ${child.pid}) ${how}; restarting in ${entry.backoffMs / 1000}s`)
      entry.timer = setTimeout(() => this.#start(entry), entry.backoffMs)
      entry.backoffMs = Math.min(entry.backoffMs * 2, MAX_BACKOFF_MS)
    })
  }

  /** SIGTERM to every child; SIGKILL to any still running after `timeoutMs`, naming it. */
  async stop(timeoutMs = STOP_TIMEOUT_MS) {
    this.#stopping = true
    const running = this.#children.filter((entry) => {
      clearTimeout(entry.timer)
      return entry.child && entry.child.exitCode === null && entry.child.signalCode === null
    })
    await Promise.all(
      running.map(
        ({ spec, child }) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => {
              log(
                `${spec.name} (pid ${child!.pid}) did not stop within ${timeoutMs / 1000}s: killing it`
              )
              child!.kill('SIGKILL')
            }, timeoutMs)
            child!.once('exit', () => (clearTimeout(kill), resolve()))
            child!.kill('SIGTERM')
          })
      )
    )
  }
}
