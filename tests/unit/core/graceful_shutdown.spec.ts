import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'

test.group('Graceful shutdown', () => {
  test('a step that never finishes: the process exits anyway after the limit, naming the step; a second SIGTERM changes nothing', async ({
    assert,
  }) => {
    const child = spawn(
      process.execPath,
      ['--import=ts-node-maintained/register/esm', 'tests/fixtures/shutdown_probe.ts', '1500'],
      {
        cwd: app.appRoot.pathname,
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk) => (stdout += chunk))
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code))
    )
    while (!stdout.includes('ready')) {
      if (child.exitCode !== null)
        throw new Error(`the probe exited before it was ready: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    child.kill('SIGTERM')
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ])
    if (code === 'still running') child.kill('SIGKILL')

    assert.equal(code, 1)
    assert.equal(stdout.split('quick step done').length - 1, 1, 'the steps ran once')
    assert.match(
      stderr,
      /shutdown \(SIGTERM\) still waiting for "wait for a client that never leaves" after 1\.5s \(open: .*\); exiting anyway/
    )
  }).timeout(30_000)
})
