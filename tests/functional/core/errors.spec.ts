import { test } from '@japa/runner'
import server from '@adonisjs/core/services/server'
import { createMerchant, login } from '#tests/support/merchants'

test.group('error shape', () => {
  test('an unknown route is a JSON 404 with a stable code', async ({ client, assert }) => {
    const response = await client.get('/api/v1/no/such/route')
    response.assertStatus(404)
    assert.deepEqual(response.body(), {
      errors: [{ code: 'E_ROUTE_NOT_FOUND', message: 'No such route' }],
    })
  })

  test('validation errors are 422 with one entry per field', async ({ client, assert }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    const response = await client
      .post('/api/v1/tenancy/locations')
      .bearerToken(token)
      .json({ name: 42 })
    response.assertStatus(422)
    const [error] = response.body().errors
    assert.containsSubset(error, { code: 'E_VALIDATION', field: 'name' })
    assert.isString(error.message)
  })

  test('a 403 has the same shape', async ({ client, assert }) => {
    const { email } = await createMerchant()
    const token = await login(client, email)
    const response = await client.get('/api/v1/admin/merchants').bearerToken(token)
    response.assertStatus(403)
    assert.deepEqual(Object.keys(response.body().errors[0]).sort(), ['code', 'message'])
    assert.equal(response.body().errors[0].code, 'E_ROLE_REQUIRED')
  })

  test('a malformed JSON body is a 400, not a 500', async ({ assert }) => {
    const { port } = server.getNodeServer()!.address() as { port: number }
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.9.9.9' },
      body: '{"email": "broken',
    })
    assert.equal(response.status, 400)
    assert.equal(((await response.json()) as any).errors[0].code, 'E_INVALID_BODY')
  })
})
