import type { JobsOptions } from 'bullmq'
import { dispatch } from '#core/queue/dispatcher'
import type { JobConstructor, JobPayload } from '#core/queue/tenant_job'
import { contextFromMerchant, requireTenant, runWithTenant } from '#tenancy/context/tenant_context'
import { merchantDirectory } from '#tenancy/services/merchant_directory'
import { MerchantNotFoundException } from '#tenancy/exceptions'

type DataOf<J extends JobConstructor> = Omit<Parameters<InstanceType<J>['handle']>[0], 'merchantId'>

/** Enqueues a job for the current tenant: the payload carries its merchant id. */
export function dispatchTenantJob<J extends JobConstructor>(
  job: J,
  data: DataOf<J>,
  options?: JobsOptions
) {
  const { merchantId } = requireTenant()
  return dispatch(job, { ...(data as object), merchantId } as any, options)
}

/** The worker side: runs a job inside its merchant's tenant context (platform jobs run without one). */
export async function runJobInTenant<T>(payload: JobPayload, fn: () => Promise<T>): Promise<T> {
  if (!payload.merchantId) return fn()
  const merchant = await merchantDirectory.byId(payload.merchantId)
  if (!merchant)
    throw new MerchantNotFoundException(`Job for unknown merchant ${payload.merchantId}`)
  return runWithTenant(contextFromMerchant(merchant), fn)
}
