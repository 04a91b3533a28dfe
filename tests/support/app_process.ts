import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from '../../scripts/provision.js'

const ROOT = new URL('../../', import.meta.url).pathname

/**
 * A second app process (the real HTTP server entry point) on the same databases and Redis,
 * for behaviour that must hold across processes.
 */
export async function startAppProcess(extraEnv: Record<string, string> = {}) {
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_FILE: '',
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    }
  )
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app process exited: ${stderr}`)
    try {
      const health = await fetch(`${url}/health`)
      if (health.ok) break
    } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    /** What the process wrote to stderr (its warnings and errors). */
    stderr: () => stderr,
    /** SIGTERM; SIGKILL if it has not exited within 15 s (a test must not hang on a stuck shutdown). */
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000)
        child.once('exit', () => {
          clearTimeout(kill)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

/** `node ace queue:work` as `npm start` runs it, resolved once it takes jobs; the caller kills it. */
export function startWorkerProcess(
  args: string[] = [],
  extraEnv: Record<string, string> = {}
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['ace.js', 'queue:work', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('worker started')) resolve(child)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`worker exited early (${code}): ${output.slice(-2000)}`))
    )
  })
}

/** A random client address, sent as X-Forwarded-For (trusted from loopback in tests). */
export function randomClientIp() {
  const octet = () => Math.floor(Math.random() * 250) + 1
  return `10.${octet()}.${octet()}.${octet()}`
}
