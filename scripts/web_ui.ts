/**
 * The web UI's build and the browser the UI tests drive, for the start and test commands.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'

const ROOT = new URL('../', import.meta.url).pathname
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' })
    child.once('error', () => resolve(1))
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

/** Builds both single-page apps into public/ui (about a second; the output is not committed). */
export async function buildWebUi() {
  const code = await run(process.execPath, [
    'node_modules/vite/bin/vite.js',
    'build',
    '--config',
    'resources/ui/vite.config.ts',
    '--logLevel',
    'warn',
  ])
  if (code !== 0) throw new Error(`web UI build failed (exit ${code})`)
}

/** Debian's Chromium for the browser suite: installed with apt-get when missing and we are root. */
export async function ensureChromium() {
  if (existsSync(CHROMIUM)) return
  if (process.getuid?.() !== 0)
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`
    )
  console.log('[setup] installing chromium (apt-get)')
  if (
    (await run('apt-get', ['update', '-qq'])) !== 0 ||
    (await run('apt-get', ['install', '-y', '-qq', 'chromium'])) !== 0 ||
    !existsSync(CHROMIUM)
  ) {
    throw new Error('chromium could not be installed')
  }
}
