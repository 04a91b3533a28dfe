import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type ChildResult = { code: number; signal: string | null; stdout: string; stderr: string }

const ROOT = new URL('../../', import.meta.url).pathname

/** Runs a Node program of this repository as a person would: a child process, its output collected. */
export function runNode(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv }
): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.once('exit', (code, signal) => resolve({ code: code ?? 1, signal, stdout, stderr }))
  })
}

/** The `gudbro` support CLI with its own config file (and nothing else of this process's environment). */
export function gudbro(configFile: string, args: string[], extraEnv: Record<string, string> = {}) {
  return runNode([join(ROOT, 'bin/gudbro.js'), ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH, HOME: tmpdir(), GUDBRO_CONFIG: configFile, ...extraEnv },
  })
}

/** `node ace ...` with this test process's environment (its databases and Redis). */
export function ace(args: string[], extraEnv: Record<string, string> = {}) {
  return runNode(['ace.js', ...args], { env: { ...process.env, ...extraEnv } })
}
