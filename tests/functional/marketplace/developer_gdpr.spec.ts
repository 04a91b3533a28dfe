import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { supportToken } from '#tests/functional/compliance/helpers'
import { createApp, pendingDeveloper } from '#tests/functional/marketplace/helpers'

/** A developer account is personal data: exported with its person, blanked on erasure. */
test.group('Marketplace: developers in GDPR export and erasure', () => {
  test('the export carries the developer account; the erasure blanks it and keeps the app', async ({
    client,
    assert,
  }) => {
    const dev = await pendingDeveloper(client)
    const app = await createApp(client, dev.token)
    const support = await supportToken(client)

    const exported = await client
      .post('/api/v1/admin/gdpr/exports')
      .bearerToken(support.token)
      .json({ email: dev.email, reason: 'developer asked for their data' })
    exported.assertStatus(200)
    const rows = exported.body().data.marketplace.developers
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].contact_email, dev.email)
    assert.notInclude(exported.text(), app.client_secret)

    const erased = await client
      .post('/api/v1/admin/gdpr/erasures')
      .bearerToken(support.token)
      .json({ email: dev.email, reason: 'developer left' })
    erased.assertStatus(201)
    const row = await db
      .connection('control')
      .from('developers')
      .where('id', dev.developer.id)
      .first()
    assert.equal(row.display_name, '[erased]')
    assert.equal(row.contact_email, '[erased]')
    assert.isNull(row.website)
    const kept = await db.connection('control').from('apps').where('id', app.id).first()
    assert.equal(kept.name, app.name)
  })
})
