import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { verifyClientSecret } from '#marketplace/index'
import { createMerchantWithToken } from '#tests/support/merchants'
import { supportToken } from '#tests/functional/compliance/helpers'
import {
  appBody,
  createApp,
  developerUser,
  pendingDeveloper,
  verifiedDeveloper,
} from '#tests/functional/marketplace/helpers'

const control = () => db.connection('control')

test.group('Marketplace: developers and apps', () => {
  test('developer → verified → app → submitted → approved → listed → in the listing', async ({
    client,
    assert,
  }) => {
    const dev = await verifiedDeveloper(client)
    const created = await createApp(client, dev.token)
    assert.equal(created.status, 'draft')
    assert.match(created.client_id, /^gapp_[0-9a-f]{32}$/)
    assert.match(created.client_secret, /^gsec_[A-Za-z0-9_-]{43}$/)
    assert.notProperty(created, 'client_secret_hash')
    assert.deepEqual(created.scopes, ['read_menu', 'read_orders'])
    assert.deepEqual(
      created.webhooks.map((hook: any) => [hook.topic, hook.url]),
      [['order.created', 'https://till.example/hooks']]
    )

    const shown = await client.get(`/api/v1/developer/apps/${created.id}`).bearerToken(dev.token)
    shown.assertStatus(200)
    assert.notProperty(shown.body().data, 'client_secret')
    assert.notInclude(shown.text(), created.client_secret)

    const submitted = await client
      .post(`/api/v1/developer/apps/${created.id}/submit`)
      .bearerToken(dev.token)
    submitted.assertStatus(200)
    assert.equal(submitted.body().data.status, 'submitted')

    const queue = await client
      .get('/api/v1/admin/marketplace/apps?status=submitted')
      .bearerToken(dev.support)
    queue.assertStatus(200)
    assert.include(
      queue.body().data.map((app: any) => app.id),
      created.id
    )
    assert.notInclude(queue.text(), created.client_secret)

    // Listing before approval is refused: approved first.
    const early = await client
      .post(`/api/v1/admin/marketplace/apps/${created.id}/list`)
      .bearerToken(dev.support)
      .json({ reason: 'too early' })
    early.assertStatus(409)
    assert.equal(early.body().errors[0].code, 'E_APP_STATE')

    const approved = await client
      .post(`/api/v1/admin/marketplace/apps/${created.id}/approve`)
      .bearerToken(dev.support)
      .json({ reason: 'reviewed scopes and URIs' })
    approved.assertStatus(200)
    assert.equal(approved.body().data.status, 'approved')
    assert.isString(approved.body().data.reviewed_at)

    const listed = await client
      .post(`/api/v1/admin/marketplace/apps/${created.id}/list`)
      .bearerToken(dev.support)
      .json({ reason: 'ready for merchants' })
    listed.assertStatus(200)
    assert.equal(listed.body().data.status, 'listed')

    // The audit log keeps who approved it and why.
    const audit = await control()
      .from('audit_log')
      .where({ resource_type: 'apps', resource_id: created.id, action: 'UPDATE' })
      .whereRaw(`new_values ->> 'status' = 'approved'`)
      .first()
    assert.equal(audit.reason, 'reviewed scopes and URIs')
    assert.equal(audit.actor_type, 'support')
    assert.notProperty(audit.new_values, 'client_secret_hash')

    const shop = await createMerchantWithToken({ tier: 'full_suite' })
    const browse = await client.get('/api/v1/marketplace/apps').bearerToken(shop.token)
    browse.assertStatus(200)
    const entry = browse.body().data.find((app: any) => app.slug === created.slug)
    assert.exists(entry)
    assert.equal(entry.name, created.name)
    assert.equal(entry.developer_name, 'App Maker Ltd')
    for (const hidden of ['id', 'client_id', 'client_secret_hash', 'review_note', 'reviewed_by'])
      assert.notProperty(entry, hidden)
    assert.notInclude(browse.text(), dev.email)
    assert.notInclude(browse.text(), created.client_id)

    const one = await client.get(`/api/v1/marketplace/apps/${created.slug}`).bearerToken(shop.token)
    one.assertStatus(200)
    assert.deepEqual(one.body().data.scopes, ['read_menu', 'read_orders'])

    // Unlisted apps are not there; a merchant without the module is told so.
    const draft = await createApp(client, dev.token)
    const missing = await client
      .get(`/api/v1/marketplace/apps/${draft.slug}`)
      .bearerToken(shop.token)
    missing.assertStatus(404)
    assert.equal(missing.body().errors[0].code, 'E_APP_NOT_FOUND')
    const smaller = await createMerchantWithToken({ tier: 'pre_ordering' })
    const off = await client.get('/api/v1/marketplace/apps').bearerToken(smaller.token)
    off.assertStatus(403)
    assert.equal(off.body().errors[0].code, 'E_MODULE_DISABLED')

    // A suspended developer's apps leave the listing.
    const suspended = await client
      .post(`/api/v1/admin/marketplace/developers/${dev.developer.id}/suspend`)
      .bearerToken(dev.support)
      .json({ reason: 'terms breached' })
    suspended.assertStatus(200)
    const after = await client
      .get(`/api/v1/marketplace/apps/${created.slug}`)
      .bearerToken(shop.token)
    after.assertStatus(404)
    // ... and the developer can change nothing until support verifies them again.
    for (const request of [
      client.post('/api/v1/developer/apps').bearerToken(dev.token).json(appBody()),
      client.patch(`/api/v1/developer/apps/${draft.id}`).bearerToken(dev.token).json({ name: 'X' }),
      client.post(`/api/v1/developer/apps/${draft.id}/secret`).bearerToken(dev.token),
      client.delete(`/api/v1/developer/apps/${draft.id}`).bearerToken(dev.token),
    ]) {
      const refused = await request
      assert.equal(refused.status(), 403)
      assert.equal(refused.body().errors[0].code, 'E_DEVELOPER_SUSPENDED')
    }
    const again = await client
      .post(`/api/v1/admin/marketplace/developers/${dev.developer.id}/suspend`)
      .bearerToken(dev.support)
      .json({ reason: 'terms breached' })
    again.assertStatus(409)
    assert.equal(again.body().errors[0].code, 'E_DEVELOPER_STATE')
    const back = await client
      .post(`/api/v1/admin/marketplace/developers/${dev.developer.id}/verify`)
      .bearerToken(dev.support)
      .json({ reason: 'breach resolved' })
    back.assertStatus(200)
    const relisted = await client
      .get(`/api/v1/marketplace/apps/${created.slug}`)
      .bearerToken(shop.token)
    relisted.assertStatus(200)
  })

  test('a developer account: one per user, pending until verified, needed for apps', async ({
    client,
    assert,
  }) => {
    const person = await developerUser()
    const none = await client.get('/api/v1/developer/account').bearerToken(person.token)
    none.assertStatus(404)
    assert.equal(none.body().errors[0].code, 'E_DEVELOPER_NOT_FOUND')
    const noApps = await client
      .post('/api/v1/developer/apps')
      .bearerToken(person.token)
      .json(appBody())
    noApps.assertStatus(403)
    assert.equal(noApps.body().errors[0].code, 'E_DEVELOPER_REQUIRED')
    const anonymous = await client.get('/api/v1/developer/account')
    anonymous.assertStatus(401)

    const bad = await client
      .post('/api/v1/developer/account')
      .bearerToken(person.token)
      .json({ display_name: '', contact_email: 'not-an-address' })
    bad.assertStatus(422)
    assert.sameMembers(
      bad.body().errors.map((error: any) => error.field),
      ['display_name', 'contact_email']
    )

    const dev = await pendingDeveloper(client)
    assert.equal(dev.developer.status, 'pending')
    const again = await client
      .post('/api/v1/developer/account')
      .bearerToken(dev.token)
      .json({ display_name: 'Twice', contact_email: dev.email })
    again.assertStatus(409)
    assert.equal(again.body().errors[0].code, 'E_DEVELOPER_EXISTS')
    const mine = await client.get('/api/v1/developer/account').bearerToken(dev.token)
    mine.assertStatus(200)
    assert.equal(mine.body().data.display_name, 'App Maker Ltd')
    // Platform routes serve no merchant: naming one without the module changes nothing.
    const shop = await createMerchantWithToken({ tier: 'digital_menu' })
    const named = await client
      .get('/api/v1/developer/account')
      .bearerToken(dev.token)
      .header('X-Merchant', shop.slug)
    named.assertStatus(200)
  })

  test('an unverified developer keeps drafts but cannot submit', async ({ client, assert }) => {
    const dev = await pendingDeveloper(client)
    const app = await createApp(client, dev.token)
    const edited = await client
      .patch(`/api/v1/developer/apps/${app.id}`)
      .bearerToken(dev.token)
      .json({ tagline: 'Now with stock levels' })
    edited.assertStatus(200)
    assert.equal(edited.body().data.tagline, 'Now with stock levels')
    const submit = await client
      .post(`/api/v1/developer/apps/${app.id}/submit`)
      .bearerToken(dev.token)
    submit.assertStatus(403)
    assert.equal(submit.body().errors[0].code, 'E_DEVELOPER_NOT_VERIFIED')
    const row = await control().from('apps').where('id', app.id).first()
    assert.equal(row.status, 'draft')
  })

  test('review refusals: incomplete apps, editing past review, rejection needs a note', async ({
    client,
    assert,
  }) => {
    const dev = await verifiedDeveloper(client)
    const bare = await createApp(client, dev.token, { scopes: [], redirect_uris: [] })
    const incomplete = await client
      .post(`/api/v1/developer/apps/${bare.id}/submit`)
      .bearerToken(dev.token)
    incomplete.assertStatus(422)
    assert.equal(incomplete.body().errors[0].code, 'E_APP_INCOMPLETE')
    assert.equal(incomplete.body().errors[0].field, 'redirect_uris')
    const noScope = await client
      .patch(`/api/v1/developer/apps/${bare.id}`)
      .bearerToken(dev.token)
      .json({ redirect_uris: ['https://x.example/cb'] })
    noScope.assertStatus(200)
    const stillIncomplete = await client
      .post(`/api/v1/developer/apps/${bare.id}/submit`)
      .bearerToken(dev.token)
    assert.equal(stillIncomplete.body().errors[0].field, 'scopes')

    const app = await createApp(client, dev.token)
    const submit = async (status = 200) => {
      const response = await client
        .post(`/api/v1/developer/apps/${app.id}/submit`)
        .bearerToken(dev.token)
      response.assertStatus(status)
      return response
    }
    await submit()
    const twice = await submit(409)
    assert.equal(twice.body().errors[0].code, 'E_APP_STATE')
    const editSubmitted = await client
      .patch(`/api/v1/developer/apps/${app.id}`)
      .bearerToken(dev.token)
      .json({ name: 'Changed' })
    editSubmitted.assertStatus(409)
    assert.equal(editSubmitted.body().errors[0].code, 'E_APP_NOT_EDITABLE')
    const deleteSubmitted = await client
      .delete(`/api/v1/developer/apps/${app.id}`)
      .bearerToken(dev.token)
    deleteSubmitted.assertStatus(409)
    assert.equal(deleteSubmitted.body().errors[0].code, 'E_APP_STATE')

    const admin = (path: string, body: object) =>
      client
        .post(`/api/v1/admin/marketplace/apps/${app.id}/${path}`)
        .bearerToken(dev.support)
        .json(body)
    const noNote = await admin('reject', {})
    noNote.assertStatus(422)
    assert.equal(noNote.body().errors[0].code, 'E_VALIDATION')
    assert.equal(noNote.body().errors[0].field, 'note')
    const noReason = await admin('approve', {})
    noReason.assertStatus(422)
    assert.equal(noReason.body().errors[0].field, 'reason')

    const rejected = await admin('reject', { note: 'The privacy policy link is missing' })
    rejected.assertStatus(200)
    assert.equal(rejected.body().data.status, 'rejected')
    assert.equal(rejected.body().data.review_note, 'The privacy policy link is missing')
    // A rejected app can be fixed and sent again.
    const fixed = await client
      .patch(`/api/v1/developer/apps/${app.id}`)
      .bearerToken(dev.token)
      .json({ support_url: 'https://till.example/privacy' })
    fixed.assertStatus(200)
    await submit()
    const approved = await admin('approve', { reason: 'fixed' })
    approved.assertStatus(200)
    const listed = await admin('list', { reason: 'ready to go' })
    listed.assertStatus(200)

    const editListed = await client
      .patch(`/api/v1/developer/apps/${app.id}`)
      .bearerToken(dev.token)
      .json({ tagline: 'Sneaky change' })
    editListed.assertStatus(409)
    assert.equal(editListed.body().errors[0].code, 'E_APP_NOT_EDITABLE')

    // A draft can be deleted.
    const gone = await client.delete(`/api/v1/developer/apps/${bare.id}`).bearerToken(dev.token)
    gone.assertStatus(204)
    const row = await control().from('apps').where('id', bare.id).first()
    assert.isNull(row ?? null)
  })

  test('bad app input is a 422 naming the field', async ({ client, assert }) => {
    const dev = await pendingDeveloper(client)
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ scopes: ['read_menu', 'read_everything'] }, 'scopes.1'],
      [{ redirect_uris: ['http://till.example/cb'] }, 'redirect_uris.0'],
      [{ redirect_uris: ['https://till.example/cb#frag'] }, 'redirect_uris.0'],
      [{ redirect_uris: ['not a url'] }, 'redirect_uris.0'],
      [{ redirect_uris: ['/relative/callback'] }, 'redirect_uris.0'],
      [{ redirect_uris: ['https://user:pw@till.example/cb'] }, 'redirect_uris.0'],
      [
        { webhooks: [{ topic: 'order.deleted', url: 'https://till.example/h' }] },
        'webhooks.0.topic',
      ],
      [{ webhooks: [{ topic: 'order.created', url: 'http://till.example/h' }] }, 'webhooks.0.url'],
      [{ monthly_price_minor: -1 }, 'monthly_price_minor'],
      [{ usage_price_minor: -5 }, 'usage_price_minor'],
      [{ monthly_price_minor: 1.5 }, 'monthly_price_minor'],
      [{ category: 'games' }, 'category'],
      [{ pricing_model: 'donation' }, 'pricing_model'],
      [{ pricing_model: 'free', monthly_price_minor: 100 }, 'monthly_price_minor'],
      [
        { pricing_model: 'paid', monthly_price_minor: 0, usage_price_minor: 0 },
        'monthly_price_minor',
      ],
      [{ usage_unit: null }, 'usage_unit'],
      [{ currency: 'euro' }, 'currency'],
      [{ slug: 'Not A Slug' }, 'slug'],
      [{ name: '' }, 'name'],
      [{ support_url: 'javascript:alert(1)' }, 'support_url'],
    ]
    for (const [overrides, field] of cases) {
      const response = await client
        .post('/api/v1/developer/apps')
        .bearerToken(dev.token)
        .json(appBody(overrides))
      assert.equal(response.status(), 422, JSON.stringify(overrides))
      assert.include(
        response.body().errors.map((error: any) => error.field),
        field,
        JSON.stringify(overrides)
      )
    }
    const count = await control()
      .from('apps')
      .where('developer_id', dev.developer.id)
      .count('* as n')
    assert.equal(Number(count[0].n), 0)

    // A slug is unique; a name's slug is made free automatically.
    const first = await createApp(client, dev.token, {
      slug: `till-${dev.developer.id.slice(0, 8)}`,
    })
    const taken = await client
      .post('/api/v1/developer/apps')
      .bearerToken(dev.token)
      .json(appBody({ slug: first.slug }))
    taken.assertStatus(409)
    assert.equal(taken.body().errors[0].code, 'E_APP_SLUG_TAKEN')
    const sameName = await createApp(client, dev.token, { name: first.name })
    assert.notEqual(sameName.slug, first.slug)
  })

  test("another developer's app is a 404, and so is an id that names nothing", async ({
    client,
    assert,
  }) => {
    const owner = await pendingDeveloper(client)
    const app = await createApp(client, owner.token)
    const other = await pendingDeveloper(client)
    const requests = (id: string) => [
      client.get(`/api/v1/developer/apps/${id}`).bearerToken(other.token),
      client.patch(`/api/v1/developer/apps/${id}`).bearerToken(other.token).json({ name: 'Mine' }),
      client.delete(`/api/v1/developer/apps/${id}`).bearerToken(other.token),
      client.post(`/api/v1/developer/apps/${id}/submit`).bearerToken(other.token),
      client.post(`/api/v1/developer/apps/${id}/secret`).bearerToken(other.token),
    ]
    for (const id of [app.id, '00000000-0000-0000-0000-000000000000', 'abc', '-1']) {
      for (const request of requests(id)) {
        const response = await request
        assert.equal(response.status(), 404, `${id}`)
        assert.equal(response.body().errors[0].code, 'E_APP_NOT_FOUND')
        assert.notInclude(response.text(), app.name)
      }
    }
    const list = await client.get('/api/v1/developer/apps').bearerToken(other.token)
    list.assertStatus(200)
    assert.deepEqual(list.body().data, [])
    const row = await control().from('apps').where('id', app.id).first()
    assert.equal(row.name, app.name)
  })

  test('the admin API is for support only', async ({ client, assert }) => {
    const shop = await createMerchantWithToken({ tier: 'full_suite' })
    const dev = await pendingDeveloper(client)
    const routes: Array<[string, string]> = [
      ['get', '/api/v1/admin/marketplace/developers'],
      ['post', `/api/v1/admin/marketplace/developers/${dev.developer.id}/verify`],
      ['post', `/api/v1/admin/marketplace/developers/${dev.developer.id}/suspend`],
      ['get', '/api/v1/admin/marketplace/apps'],
      ['post', `/api/v1/admin/marketplace/apps/${dev.developer.id}/approve`],
      ['post', `/api/v1/admin/marketplace/apps/${dev.developer.id}/reject`],
      ['post', `/api/v1/admin/marketplace/apps/${dev.developer.id}/list`],
    ]
    for (const [method, url] of routes) {
      const body = { reason: 'let me in', note: 'let me in' }
      const anonymous = await (client as any)[method](url).json(body)
      assert.equal(anonymous.status(), 401, url)
      for (const token of [shop.token, dev.token]) {
        const response = await (client as any)[method](url).bearerToken(token).json(body)
        assert.equal(response.status(), 403, url)
      }
    }
    const row = await control().from('developers').where('id', dev.developer.id).first()
    assert.equal(row.status, 'pending')

    const { token } = await supportToken(client)
    const pending = await client
      .get('/api/v1/admin/marketplace/developers?status=pending')
      .bearerToken(token)
    pending.assertStatus(200)
    assert.isTrue(pending.body().data.every((d: any) => d.status === 'pending'))
    assert.include(
      pending.body().data.map((d: any) => d.id),
      dev.developer.id
    )
    const badStatus = await client
      .get('/api/v1/admin/marketplace/apps?status=whatever')
      .bearerToken(token)
    badStatus.assertStatus(422)
    const unknown = await client
      .post('/api/v1/admin/marketplace/developers/nope/verify')
      .bearerToken(token)
      .json({ reason: 'checking' })
    unknown.assertStatus(404)
    assert.equal(unknown.body().errors[0].code, 'E_DEVELOPER_NOT_FOUND')
    const verify = await client
      .post(`/api/v1/admin/marketplace/developers/${dev.developer.id}/verify`)
      .bearerToken(token)
      .json({ reason: 'identity checked' })
    verify.assertStatus(200)
    assert.equal(verify.body().data.status, 'verified')
    assert.isString(verify.body().data.verified_by)
    const audit = await control()
      .from('audit_log')
      .where({ resource_type: 'developers', resource_id: dev.developer.id, action: 'UPDATE' })
      .first()
    assert.equal(audit.reason, 'identity checked')
    assert.notProperty(audit.new_values, 'contact_email')
  })

  test('the client secret: shown once, stored hashed, rotation retires the old one', async ({
    client,
    assert,
  }) => {
    const dev = await pendingDeveloper(client)
    const app = await createApp(client, dev.token)
    const secret: string = app.client_secret
    const row = await control().from('apps').where('id', app.id).first()
    assert.notEqual(row.client_secret_hash, secret)
    assert.notInclude(row.client_secret_hash, secret.slice(5))
    assert.match(row.client_secret_hash, /^[0-9a-f]{64}$/)
    assert.isTrue(await verifyClientSecret(app.client_id, secret))
    assert.isFalse(await verifyClientSecret(app.client_id, `${secret}x`))
    assert.isFalse(await verifyClientSecret('gapp_unknown', secret))

    const list = await client.get('/api/v1/developer/apps').bearerToken(dev.token)
    assert.notInclude(list.text(), secret)
    assert.notInclude(list.text(), row.client_secret_hash)

    const rotated = await client
      .post(`/api/v1/developer/apps/${app.id}/secret`)
      .bearerToken(dev.token)
    rotated.assertStatus(200)
    const fresh: string = rotated.body().data.client_secret
    assert.notEqual(fresh, secret)
    assert.equal(rotated.body().data.client_id, app.client_id)
    assert.isFalse(await verifyClientSecret(app.client_id, secret))
    assert.isTrue(await verifyClientSecret(app.client_id, fresh))
    const shown = await client.get(`/api/v1/developer/apps/${app.id}`).bearerToken(dev.token)
    assert.notInclude(shown.text(), fresh)

    // Another app's secret is no good for this client id.
    const second = await createApp(client, dev.token)
    assert.isFalse(await verifyClientSecret(app.client_id, second.client_secret))
  })
})
