import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import queue from '@rlanz/bull-queue/services/main'
import env from '#start/env'
import { accountMail } from '#tenancy/services/account_mail'
import { WorkerPool } from '#core/queue/worker_pool'
import { eventually } from '#tests/support/eventually'
import { startSmtpServer } from '#tests/support/stand_ins'
import { accountMailWorkers } from '#tests/support/workers'

async function mailRow(id: string) {
  return db.connection('control').from('account_mails').where('id', id).first()
}

function queueCommitted(to: string, text: string) {
  return db
    .connection('control')
    .transaction((trx) =>
      accountMail.queue(trx, { kind: 'password_reset', to, subject: 'Reset your password', text })
    )
}

test.group('Account mail outbox', (group) => {
  let workers: WorkerPool | undefined
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>
  group.each.setup(async () => {
    smtp = await startSmtpServer()
    env.set('SMTP_HOST', '127.0.0.1')
    env.set('SMTP_PORT', smtp.port)
  })
  group.each.teardown(async () => {
    await workers?.stop()
    workers = undefined
    await smtp.close()
  })

  test('a mail exists only if its transaction commits; once sent its link is gone from the row', async ({
    assert,
  }) => {
    const rolledBack = db.connection('control').transaction(async (trx) => {
      await accountMail.queue(trx, {
        kind: 'verify_email',
        to: 'rolled-back@mail.test',
        subject: 'never',
        text: 'never',
      })
      throw new Error('sign-up failed')
    })
    await assert.rejects(() => rolledBack, 'sign-up failed')
    assert.notExists(
      await db
        .connection('control')
        .from('account_mails')
        .where('recipient', 'rolled-back@mail.test')
        .first()
    )

    workers = accountMailWorkers()
    const id = await queueCommitted('reset@mail.test', 'Open https://x.test/reset#token=secret-1')
    const sent = await eventually('mail sent', async () => {
      const row = await mailRow(id)
      return row.status === 'sent' ? row : undefined
    })
    assert.isNull(sent.body, 'the single-use link is not kept after sending')
    assert.equal(sent.attempts, 1)
    const mails = smtp.received.filter((mail) => mail.data.includes(`<${id}@accounts.gudbro>`))
    assert.lengthOf(mails, 1)
    assert.deepEqual(mails[0].to, ['<reset@mail.test>'])
    assert.include(mails[0].data, 'secret-1')
  })

  test('Redis flushed right after the commit: the sweep still sends the mail, once; the link is encrypted until then', async ({
    assert,
  }) => {
    const id = await queueCommitted('flushed@mail.test', 'link-after-flush')
    const stored = await mailRow(id)
    assert.notInclude(stored.body, 'link-after-flush', 'the link is encrypted at rest until sent')
    await eventually('hand-off reached the queue', () => queue.getOrSet('accounts').getJob(id))
    await redis.flushdb()

    workers = accountMailWorkers()
    assert.isAtLeast(await accountMail.sweep({ graceSeconds: 0 }), 1)
    await eventually('mail sent', async () => {
      const row = await mailRow(id)
      return row.status === 'sent'
    })
    assert.equal(
      await accountMail.deliver(id),
      'gone',
      'a second delivery of a sent mail sends nothing'
    )
    const mails = smtp.received.filter((mail) => mail.data.includes(`<${id}@accounts.gudbro>`))
    assert.lengthOf(mails, 1)
  })

  test('a refused address (5xx) fails for good and drops the link', async ({ assert }) => {
    await smtp.close()
    smtp = await startSmtpServer({ rejectRecipients: /^<refused@/ })
    env.set('SMTP_PORT', smtp.port)
    const id = await queueCommitted('refused@mail.test', 'link-refused')
    await eventually('hand-off reached the queue', () => queue.getOrSet('accounts').getJob(id))
    assert.equal(await accountMail.deliver(id), 'failed')
    const row = await mailRow(id)
    assert.equal(row.status, 'failed')
    assert.isNull(row.body)
    assert.include(row.last_error, '550')
  })
})
