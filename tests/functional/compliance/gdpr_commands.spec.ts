import { test } from '@japa/runner'
import { ace as runAce } from '#tests/support/child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { seedCustomerData } from './helpers.js'
import { merchantsOnTwoNodes } from '#tests/support/merchants'

/** `node ace <args>` on the test databases, as an operator would run it on a server. */
function ace(args: string[]) {
  return runAce(args, { NODE_ENV: 'test', LOG_LEVEL: 'warn', LOG_FILE: '' })
}

test.group('gdpr:* ace commands', () => {
  test('gdpr:export writes the subject file, gdpr:erase anonymizes, gdpr:requests lists the deadline', async ({
    assert,
  }) => {
    const dir = await mkdtemp(join(tmpdir(), 'gdpr-ace-'))
    try {
      const [a, b] = await merchantsOnTwoNodes()
      const email = `ace-${randomUUID().slice(0, 8)}@example.test`
      await seedCustomerData(a.merchant.id, { email, name: 'Ace Customer' })
      await seedCustomerData(b.merchant.id, { email, name: 'Ace Customer' })
      const out = join(dir, 'export.json')

      const exported = await ace([
        'gdpr:export',
        '--email',
        email,
        '--out',
        out,
        '--reason',
        'ticket 77',
      ])
      assert.equal(exported.code, 0, exported.stderr + exported.stdout)
      assert.match(exported.stdout, /conversations 1 row/)
      const exportFile = await stat(out)
      assert.equal(exportFile.mode & 0o777, 0o600)
      const document = JSON.parse(await readFile(out, 'utf8'))
      assert.lengthOf(document.data.notifications.conversations, 2)
      const audit = await db
        .connection('control')
        .from('audit_log')
        .where({ action: 'gdpr.export', resource_id: document.request_id })
        .first()
      assert.equal(audit.actor_type, 'command')
      assert.equal(audit.reason, 'ticket 77')

      const erased = await ace(['gdpr:erase', '--email', email, '--reason', 'ticket 78', '--json'])
      assert.equal(erased.code, 0, erased.stderr + erased.stdout)
      const receipt = JSON.parse(erased.stdout.slice(erased.stdout.indexOf('{')))
      assert.equal(receipt.anonymized['notifications.conversations'], 2)

      const listed = await ace(['gdpr:requests', '--json'])
      assert.equal(listed.code, 0, listed.stderr)
      const open = JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))).data
      const mine = open.find((r: any) => r.id === receipt.id)
      assert.isString(receipt.legal_deadline)
      assert.equal(mine.legal_deadline, receipt.legal_deadline)
      assert.equal(mine.hard_delete_due_at, receipt.hard_delete_due_at)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }).timeout(60_000)

  test('failures exit non-zero with a clear message', async ({ assert }) => {
    const noReason = await ace(['gdpr:erase', '--email', 'x@y.test'])
    assert.equal(noReason.code, 1)
    assert.include(noReason.stdout + noReason.stderr, '--reason is required')
    const noSubject = await ace(['gdpr:export', '--out', '/tmp/never.json', '--reason', 'why'])
    assert.equal(noSubject.code, 1)
    assert.include(noSubject.stdout + noSubject.stderr, 'Name the data subject')
    const badOut = await ace([
      'gdpr:export',
      '--email',
      'x@y.test',
      '--reason',
      'why',
      '--out',
      '/nonexistent-dir/x.json',
    ])
    assert.equal(badOut.code, 1)
    assert.include(badOut.stdout + badOut.stderr, 'ENOENT')
  }).timeout(60_000)
})
