import { createHash } from 'node:crypto'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { requireTenant, shardRouter } from '#tenancy/index'
import { IdempotencyKeyReusedException } from '#orders/exceptions'

/** How long a key keeps its first response; after that the key may be used again. */
const KEY_LIFETIME = '24 hours'
const PURGE_BATCH = 5000

export type StoredResponse = { status: number; body: { data: Record<string, unknown> } }

/** JSON with sorted keys, so the same body hashes the same whatever the client's key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * Idempotency-Key for order placement, inside the placement's own transaction:
 * - claim(): inserts the key. A concurrent request with the same key waits on the unique index
 *   until the first one commits (then it replays) or rolls back (then it proceeds itself).
 * - the first response is stored with the order, in the same transaction; its tracking token is
 *   kept encrypted (the orders table keeps only its hash), so a replay can give it back.
 * The request hash covers the validated body and the caller, so a key replays only to its sender.
 */
export class Idempotency {
  requestHash(body: unknown, callerId: string | null) {
    return createHash('sha256').update(canonical({ body, callerId })).digest('hex')
  }

  /** null when this request now owns the key; the stored response when it must be replayed. */
  async claim(
    trx: TransactionClientContract,
    key: string,
    requestHash: string
  ): Promise<StoredResponse | null> {
    const tenant = requireTenant()
    const claimed = await trx.rawQuery(
      `INSERT INTO order_idempotency_keys (merchant_id, shard_id, key, request_hash)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (merchant_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, order_id = NULL, response_status = NULL,
             response_body = NULL, token_ciphertext = NULL, created_at = now()
         WHERE order_idempotency_keys.created_at < now() - interval '${KEY_LIFETIME}'
       RETURNING key`,
      [tenant.merchantId, tenant.shardId, key, requestHash]
    )
    if (claimed.rows.length > 0) return null

    const stored = await trx
      .from('order_idempotency_keys')
      .where({ merchant_id: tenant.merchantId, key })
      .first()
    if (!stored || stored.request_hash !== requestHash) throw new IdempotencyKeyReusedException()
    const body = stored.response_body as StoredResponse['body']
    const token = stored.token_ciphertext
      ? encryption.decrypt<string>(stored.token_ciphertext)
      : null
    return {
      status: stored.response_status,
      body: { data: { ...body.data, tracking_token: token } },
    }
  }

  async store(
    trx: TransactionClientContract,
    key: string,
    orderId: string,
    response: StoredResponse
  ) {
    const { tracking_token: token, ...data } = response.body.data
    await trx
      .from('order_idempotency_keys')
      .where({ merchant_id: requireTenant().merchantId, key })
      .update({
        order_id: orderId,
        response_status: response.status,
        response_body: JSON.stringify({ data }),
        token_ciphertext: typeof token === 'string' ? encryption.encrypt(token) : null,
      })
  }

  /** Deletes expired keys on every shard node, in batches; returns how many went. */
  async purgeExpired(): Promise<number> {
    let purged = 0
    for (const node of shardRouter.nodes()) {
      while (true) {
        // Only the shards the node serves (a moved shard's old copy is fenced until the move completes).
        const result = await db.connection(node, { mode: 'write' }).rawQuery(
          `DELETE FROM order_idempotency_keys WHERE ctid IN (
             SELECT ctid FROM order_idempotency_keys WHERE created_at < now() - interval '${KEY_LIFETIME}'
              AND shard_id = ANY(?::int[]) LIMIT ${PURGE_BATCH})`,
          [shardRouter.shardsOn(node)]
        )
        purged += result.rowCount ?? 0
        if ((result.rowCount ?? 0) < PURGE_BATCH) break
      }
    }
    return purged
  }
}

export const idempotency = new Idempotency()
