import { test } from '@japa/runner'
import { TenantJob } from '#core/queue/tenant_job'
import { realtime } from '#core/realtime/realtime'
import { moduleRegistry } from '#tenancy/services/module_registry_service'
import { getTenant } from '#tenancy/context/tenant_context'
import { ownerToken } from '#tests/support/merchants'
import { closeSockets, connect, emitWithAck } from '#tests/functional/notifications/socket_clients'

/** Every job payload and every socket handler carries the merchant and runs in its context. */
test.group('tenant context everywhere', (group) => {
  group.each.teardown(() => closeSockets())

  test('every registered job is a TenantJob with a stable, module-prefixed, unique name', async ({
    assert,
  }) => {
    const registry = moduleRegistry()
    const jobs = await registry.loadJobs()
    assert.isAbove(jobs.length, 0)
    const modules = registry.ordered().map((m) => m.name)
    for (const job of jobs) {
      assert.isTrue(job.prototype instanceof TenantJob, `${job.name} does not extend TenantJob`)
      assert.match(job.jobName, /^[a-z_]+\.[a-z_.]+$/, `${job.name} has no stable jobName`)
      assert.include(
        modules,
        job.jobName.split('.')[0],
        `${job.jobName} is not named after its module`
      )
      assert.equal(job.$$filepath, job.jobName)
    }
    assert.equal(new Set(jobs.map((j) => j.jobName)).size, jobs.length, 'two jobs share a name')
  })

  test('every socket event handler runs inside the merchant of the socket', async ({
    client,
    assert,
  }) => {
    realtime.on('probe:whoami', async () => getTenant()?.merchantId ?? null)
    const { merchant, token } = await ownerToken(client)
    const socket = await connect({ token })
    const reply = await emitWithAck(socket, 'probe:whoami', {})
    assert.deepEqual(reply, { ok: true, data: merchant.id })
    for (const event of realtime.eventNames()) assert.match(event, /^[a-z_]+:[a-z_.]+$/)
  })
})
