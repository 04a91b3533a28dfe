import { test } from '@japa/runner'
import { shardRouter } from '#tenancy/services/shards'
import { buildCoffeeMenu } from './menu_helpers.js'
import { createMerchantWithToken } from '#tests/support/merchants'

/**
 * The hot queries can use the indexes of database/migrations/menu. Test tables are tiny, so sequential scans are
 * switched off for the EXPLAIN: the question is whether the planner CAN use the index.
 */
async function plan(shardId: number, sql: string, bindings: string[]) {
  return shardRouter.transaction(async (trx) => {
    await trx.rawQuery('SET LOCAL enable_seqscan = off')
    const result = await trx.rawQuery(`EXPLAIN ${sql}`, bindings)
    return result.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')
  }, shardId)
}

test.group('menu / indexes', () => {
  test('menu reads and dietary/allergen filters use their indexes', async ({ client, assert }) => {
    const { token, merchant } = await createMerchantWithToken()
    await buildCoffeeMenu(client, token)
    const id = merchant.id
    const shard = merchant.shardId
    assert.include(
      await plan(
        shard,
        'SELECT id FROM menu_categories WHERE merchant_id = ? AND is_active ORDER BY display_order',
        [id]
      ),
      'idx_menu_categories_merchant_active_order'
    )
    assert.include(
      await plan(shard, 'SELECT id FROM menu_items WHERE merchant_id = ? AND is_active', [id]),
      'idx_menu_items_merchant_category_active'
    )
    // Items of one category (the nested part of the menu query) come from an index too.
    assert.notInclude(
      await plan(
        shard,
        'SELECT id FROM menu_items WHERE merchant_id = ? AND category_id = ? AND is_active ORDER BY display_order',
        [id, id]
      ),
      'Seq Scan'
    )
    assert.include(
      await plan(shard, `SELECT id FROM menu_items WHERE dietary_flags @> ?::jsonb`, ['["vegan"]']),
      'idx_menu_items_dietary_flags'
    )
    assert.include(
      await plan(shard, `SELECT id FROM menu_items WHERE allergens @> ?::jsonb`, ['["nuts"]']),
      'idx_menu_items_allergens'
    )
  })
})
