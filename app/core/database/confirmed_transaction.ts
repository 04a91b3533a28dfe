import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { isDependencyUnavailable } from '#core/exceptions/dependency_unavailable'

/**
 * A managed transaction that reports a failed COMMIT. knex resolves `commit()` even when the COMMIT
 * did not go through (its connection died: the transaction rolled back); only the transaction's
 * executionPromise says so. Lucid's managed transaction does not look at it, so a request could
 * answer 201 for an order that was never stored. Here the caller sees the COMMIT's error.
 * When the transaction ended under the callback (BEGIN or a query lost its connection), the caller
 * gets that cause rather than knex's "Transaction query already complete".
 */
export async function confirmedTransaction<T>(
  client: QueryClientContract,
  fn: (trx: TransactionClientContract) => Promise<T>
): Promise<T> {
  const trx = await client.transaction()
  const outcome = trx.getWriteClient().executionPromise.then(
    () => undefined,
    (reason: unknown) => reason
  )
  let result: T
  try {
    result = await fn(trx)
  } catch (error) {
    if (!trx.isCompleted) await trx.rollback().catch(() => {})
    const ended = await outcome
    throw isDependencyUnavailable(ended) ? ended : error
  }
  await trx.commit()
  const failed = await outcome
  if (failed) throw failed
  return result
}
