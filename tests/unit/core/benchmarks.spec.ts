import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { freePort } from '../../../scripts/provision.js'

/** Runs a benchmark script as its npm script would, with the given environment. */
function runBenchmark(name: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import=ts-node-maintained/register/esm', `benchmarks/${name}.ts`],
      {
        cwd: app.appRoot.pathname,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk) => (stdout += chunk))
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })))
  })
}

test.group('Benchmarks', () => {
  test('every benchmark under benchmarks/ has an npm script', ({ assert }) => {
    const scripts = JSON.parse(readFileSync(app.makePath('package.json'), 'utf8'))
      .scripts as Record<string, string>
    const benchmarks = readdirSync(app.makePath('benchmarks')).filter((file) =>
      file.endsWith('.ts')
    )
    assert.isAbove(benchmarks.length, 5)
    for (const file of benchmarks) {
      const name = file.replace(/\.ts$/, '')
      assert.include(scripts[`bench:${name}`] ?? '', `benchmarks/${file}`, `npm run bench:${name}`)
    }
  })

  test('without wrk, and unable to install it, an HTTP benchmark stops at once with one line saying what to install', async ({
    assert,
  }) => {
    // A PATH with only sh and node: no wrk, no taskset, no apt-get.
    const bin = mkdtempSync(join(tmpdir(), 'bench-path-'))
    symlinkSync('/bin/sh', join(bin, 'sh'))
    symlinkSync(process.execPath, join(bin, 'node'))
    const result = await runBenchmark('kernel', { PATH: bin, HOME: process.env.HOME })
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.deepEqual(result.stderr.trim().split('\n'), [
      'This benchmark needs wrk and taskset: install wrk util-linux (e.g. apt-get install -y wrk util-linux)',
    ])
  }).timeout(60_000)

  test('a benchmark whose PostgreSQL does not answer stops at once with one line saying so', async ({
    assert,
  }) => {
    const port = await freePort()
    const result = await runBenchmark('gdpr_export', {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BENCH_DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/bench`,
    })
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.deepEqual(result.stderr.trim().split('\n'), [
      `This benchmark needs a PostgreSQL at postgres://postgres@127.0.0.1:${port}/bench: start one or set BENCH_DATABASE_URL`,
    ])
  }).timeout(60_000)
})
