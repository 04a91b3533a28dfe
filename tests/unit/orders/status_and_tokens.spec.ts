import { test } from '@japa/runner'
import { ORDER_STATUSES, TRANSITIONS } from '#orders/index'
import { canMove, sourcesOf } from '#orders/order_status'
import { trackingTokens } from '#orders/tracking_token'

test.group('Orders: status machine', () => {
  test('the documented moves and nothing else', ({ assert }) => {
    const legal = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`)
    )
    assert.sameMembers(legal, [
      'pending>accepted',
      'pending>rejected',
      'pending>cancelled',
      'accepted>preparing',
      'accepted>cancelled',
      'preparing>ready',
      'preparing>cancelled',
      'ready>completed',
      'ready>cancelled',
    ])
    for (const final of ['rejected', 'completed', 'cancelled'] as const)
      assert.lengthOf(TRANSITIONS[final], 0)
    assert.sameMembers(sourcesOf('cancelled'), ['pending', 'accepted', 'preparing', 'ready'])
  })
})

test.group('Orders: tracking tokens', () => {
  test('opaque, merchant-routed, hashed', ({ assert }) => {
    const merchantId = '8d3c1c2e-3b0a-4c1e-9a55-0a1b2c3d4e5f'
    const { token, hash } = trackingTokens.issue(merchantId)
    assert.equal(trackingTokens.merchantOf(token), merchantId)
    assert.equal(hash, trackingTokens.hash(token))
    assert.notEqual(trackingTokens.issue(merchantId).token, token)
    for (const bad of [
      undefined,
      42,
      '',
      'x.y',
      `${merchantId}.short`,
      `not-a-uuid.${'a'.repeat(43)}`,
      `${token}x`,
    ]) {
      assert.isNull(trackingTokens.merchantOf(bad), String(bad))
    }
  })
})
