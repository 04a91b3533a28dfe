import type { MoveProgress } from '#tenancy/index'

/** The mover and rebalancer (app/tenancy/services/shard_operations.ts), printing progress. */
export async function shardTools() {
  const { shardTools: tools } = await import('#tenancy/index')
  return tools(progressPrinter())
}

function megabytes(bytes: number) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/**
 * One line per step, redrawn in place on a terminal; a line every few seconds otherwise.
 * SHARD_MOVE_CRASH_AT=<step> kills the command (SIGKILL) the first time that step reports: the
 * crash-and-resume tests use it to stop a move at each step in turn.
 */
export function progressPrinter() {
  let lastStep = ''
  let lastPrinted = 0
  const crashAt = process.env.SHARD_MOVE_CRASH_AT
  return (progress: MoveProgress) => {
    if (crashAt && progress.step === crashAt) process.kill(process.pid, 'SIGKILL')
    const figures = [
      progress.rowsTotal !== undefined
        ? `${progress.rowsCopied ?? 0}/${progress.rowsTotal} rows`
        : '',
      progress.lagBytes !== undefined ? `lag ${megabytes(progress.lagBytes)}` : '',
    ].filter(Boolean)
    const line = `[${progress.step}] ${progress.message}${figures.length ? `  ${figures.join('  ')}` : ''}`
    const changed = progress.step !== lastStep
    if (process.stdout.isTTY) {
      process.stdout.write(`${changed && lastStep ? '\n' : '\r'}${line}\x1b[K`)
    } else if (changed || Date.now() - lastPrinted > 2000) {
      process.stdout.write(`${line}\n`)
      lastPrinted = Date.now()
    }
    lastStep = progress.step
  }
}
