import { test } from '@japa/runner'
import queue from '@rlanz/bull-queue/services/main'
import { createMerchantWithToken } from '#tests/support/merchants'
import { supportToken } from '#tests/functional/compliance/helpers'
import { shardRouter } from '#tenancy/index'

/**
 * The admin API's shard operations: who may call them and what they refuse. Moves themselves run on
 * servers with logical replication (tests/shard_moves); this suite's nodes have none.
 */
test.group('Admin shards API', () => {
  test('support only: staff get 403, no token 401', async ({ client }) => {
    const shop = await createMerchantWithToken()
    const staff = await client.get('/api/v1/admin/shards').bearerToken(shop.token)
    staff.assertStatus(403)
    const anonymous = await client.post('/api/v1/admin/shards/moves').json({})
    anonymous.assertStatus(401)
  })

  test('status lists every shard with its node and the nodes', async ({ client, assert }) => {
    const { token } = await supportToken(client)
    const response = await client.get('/api/v1/admin/shards').bearerToken(token)
    response.assertStatus(200)
    const { data } = response.body()
    assert.lengthOf(data.shards, shardRouter.shardCount)
    assert.deepEqual(
      data.nodes.map((node: any) => node.name),
      [...shardRouter.nodes()]
    )
    assert.isTrue(data.nodes.every((node: any) => node.accepts_shards))
    assert.equal(data.shards[0].node, shardRouter.connectionForShard(0))
    assert.isNull(data.active_move)
  })

  test('a move or its end that cannot be is refused with a stable code, and nothing is queued', async ({
    client,
    assert,
  }) => {
    const { token } = await supportToken(client)
    const post = (path: string, body: object) =>
      client.post(`/api/v1/admin/shards${path}`).bearerToken(token).json(body)
    const here = shardRouter.connectionForShard(3)
    const cases: Array<[string, object, number, string]> = [
      ['/moves', { shard: 99, node: 'node0', reason: 'test' }, 422, 'E_SHARD_MOVE_INVALID'],
      ['/moves', { shard: 3, node: 'nowhere', reason: 'test' }, 422, 'E_SHARD_MOVE_INVALID'],
      ['/moves', { shard: 3, node: here, reason: 'test' }, 409, 'E_SHARD_MOVE_REFUSED'],
      ['/moves', { shard: 3, node: 'node1' }, 422, 'E_VALIDATION'],
      ['/moves', { shard: 'three', node: 'node1', reason: 'test' }, 422, 'E_VALIDATION'],
      ['/moves/3/complete', { reason: 'test' }, 409, 'E_SHARD_MOVE_REFUSED'],
      ['/moves/3/rollback', { reason: 'test' }, 409, 'E_SHARD_MOVE_REFUSED'],
      ['/moves/x/complete', { reason: 'test' }, 422, 'E_SHARD_MOVE_INVALID'],
      ['/rebalance', { strategy: 'by_luck', reason: 'test' }, 422, 'E_VALIDATION'],
      ['/nodes/nowhere/drain', { dry_run: true, reason: 'test' }, 422, 'E_SHARD_MOVE_INVALID'],
    ]
    for (const [path, body, status, code] of cases) {
      const response = await post(path, body)
      assert.equal(response.status(), status, `${path} ${JSON.stringify(body)}`)
      assert.equal(response.body().errors[0].code, code, `${path} ${JSON.stringify(body)}`)
    }
    const after = await client.get('/api/v1/admin/shards').bearerToken(token)
    assert.isNull(after.body().data.active_move)
    const queued = await queue.getOrSet('shards').getJobCounts('waiting', 'delayed', 'active')
    assert.equal(
      Object.values(queued).reduce((sum, n) => sum + n, 0),
      0,
      JSON.stringify(queued)
    )
  })

  test('dry runs plan without moving: even nodes need nothing, a drain empties its node', async ({
    client,
    assert,
  }) => {
    const { token } = await supportToken(client)
    const rebalance = await client
      .post('/api/v1/admin/shards/rebalance')
      .bearerToken(token)
      .json({ dry_run: true, reason: 'test' })
    rebalance.assertStatus(200)
    assert.deepEqual(rebalance.body().data.plan, [])
    const drain = await client
      .post('/api/v1/admin/shards/nodes/node1/drain')
      .bearerToken(token)
      .json({ dry_run: true, reason: 'test' })
    drain.assertStatus(200)
    const plan = drain.body().data.plan
    assert.deepEqual(
      plan.map((move: any) => move.shard).sort((a: number, b: number) => a - b),
      shardRouter.shardsOn('node1').sort((a, b) => a - b)
    )
    assert.isTrue(plan.every((move: any) => move.from === 'node1' && move.to === 'node0'))
    assert.equal(shardRouter.shardsOn('node1').length, plan.length, 'nothing moved')
    const status = await client.get('/api/v1/admin/shards').bearerToken(token)
    assert.isTrue(
      status.body().data.nodes.every((node: any) => node.accepts_shards),
      'not drained'
    )
  })
})
