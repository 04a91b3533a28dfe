import { test } from '@japa/runner'
import { readdir, open, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import server from '@adonisjs/core/services/server'
import { createMerchant, login } from '#tests/support/merchants'

const FILE_SIZE = 1024 * 1024

/** Temp files written since `since` that start with `marker` (other processes share the temp folder). */
async function filesStartingWith(marker: string, since: number) {
  const found: string[] = []
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name)
    const info = await stat(path).catch(() => undefined)
    if (!info?.isFile() || info.mtimeMs < since || info.size < marker.length) continue
    const handle = await open(path, 'r').catch(() => undefined)
    if (!handle) continue
    const head = Buffer.alloc(marker.length)
    await handle.read(head, 0, marker.length, 0).finally(() => handle.close())
    if (head.toString() === marker) found.push(path)
  }
  return found
}

async function postFile(path: string, marker: string, token?: string) {
  const { port } = server.getNodeServer()!.address() as { port: number }
  const form = new FormData()
  form.append('format', 'csv')
  form.append('file', new Blob([marker, Buffer.alloc(FILE_SIZE - marker.length, 'x')]), 'menu.csv')
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  await response.arrayBuffer()
  return response.status
}

test.group('uploads: no file reaches disk for a route that does not take one', () => {
  test('multipart posts to an unknown route and to JSON routes leave the temp folder unchanged', async ({
    assert,
    client,
  }) => {
    const since = Date.now() - 1000
    const marker = `upload-marker-${Date.now()}-${Math.random().toString(36).slice(2)}`
    const { email } = await createMerchant()
    const token = await login(client, email)

    assert.equal(await postFile('/no-such-path', marker), 404)
    assert.equal(await postFile('/api/v1/auth/login', marker), 422)
    assert.equal(await postFile('/api/v1/tenancy/locations', marker, token), 422)
    assert.equal(await postFile('/api/v1/tenancy/locations', marker), 401)
    // Give a stray write stream time to land before looking.
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.deepEqual(await filesStartingWith(marker, since), [])
  })
})
