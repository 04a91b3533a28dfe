import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { assertAcceptablePassword } from '#tenancy/services/password_policy'
import { WeakPasswordException } from '#tenancy/exceptions'
import { supportToken } from '../compliance/helpers.js'
import { STRONG_PASSWORD } from './passwords_support.js'

function refusal(password: string, inputs: string[]) {
  try {
    assertAcceptablePassword(password, inputs)
    return null
  } catch (error) {
    if (!(error instanceof WeakPasswordException)) throw error
    return error
  }
}

test.group('Passwords: the policy', () => {
  test('length 10..128, zxcvbn score 3 or more, the account’s own words count as known', ({
    assert,
  }) => {
    assert.isNull(refusal(STRONG_PASSWORD, ['someone@shop.test']))
    assert.include(refusal('Ab1!xyz', [])!.message, 'at least 10 characters')
    assert.include(refusal(`${STRONG_PASSWORD}-`.repeat(6), [])!.message, 'at most 128')
    for (const common of ['password1234', 'qwertyuiop12', '1234567890ab', 'iloveyou2024'])
      assert.include(refusal(common, [])!.message, 'too easy to guess', common)
    // Strong alone, weak once it is made of the account's own email, name or shop.
    const shopWords = 'bluebottle roastery'
    assert.isNull(refusal('bluebottleroastery', []))
    assert.isNotNull(refusal('bluebottleroastery', ['owner@x.test', 'Ann', shopWords]))
    const error = refusal('password1234', [])!
    assert.equal(error.status, 422)
    assert.equal(error.code, 'E_WEAK_PASSWORD')
    assert.equal(error.field, 'password')
  })

  test('support creating a merchant with a weak owner password gets 422 E_WEAK_PASSWORD', async ({
    client,
    assert,
  }) => {
    const support = await supportToken(client)
    const slug = `weak-${randomUUID().slice(0, 8)}`
    const body = (password: string) => ({
      slug,
      name: 'Weak Shop',
      vertical: 'coffeeshop',
      tier: 'pre_ordering',
      owner: { email: `${slug}@shop.test`, password },
    })
    const weak = await client
      .post('/api/v1/admin/merchants')
      .bearerToken(support.token)
      .json(body(`${slug}${slug}`))
    weak.assertStatus(422)
    assert.equal(weak.body().errors[0].code, 'E_WEAK_PASSWORD')
    const strong = await client
      .post('/api/v1/admin/merchants')
      .bearerToken(support.token)
      .json(body(STRONG_PASSWORD))
    strong.assertStatus(201)
  })
})
