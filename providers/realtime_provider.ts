import type { ApplicationService } from '@adonisjs/core/types'

/**
 * socket.io on the Adonis HTTP server. Wires the staff-token authenticator and the merchant context
 * for socket handlers, and attaches to the HTTP server once it exists (web: here in ready(); tests:
 * tests/bootstrap.ts after the test server starts). Other processes (workers) only broadcast, through Redis.
 */
export default class RealtimeProvider {
  constructor(protected app: ApplicationService) {}

  async ready() {
    const environment = this.app.getEnvironment()
    if (environment !== 'web' && environment !== 'test') return
    const { realtime } = await import('#core/realtime/realtime')
    const { verifyStaffToken, runJobInTenant, merchantDirectory } = await import('#tenancy/index')
    realtime.useContext((merchantId, fn) => runJobInTenant({ merchantId }, fn))
    realtime.registerAuthenticator('staff', async (credentials) => {
      if (typeof credentials.token !== 'string') return null
      const staff = await verifyStaffToken(credentials.token)
      if (!staff) return null
      const merchant = await merchantDirectory.byId(staff.merchantId)
      if (!merchant || merchant.status === 'suspended') return null
      return {
        kind: 'staff',
        merchantId: staff.merchantId,
        subject: staff.userId,
        role: staff.role,
        rooms: [`merchant:${staff.merchantId}`, `merchant:${staff.merchantId}:orders`],
      }
    })
    if (environment !== 'web') return
    const nodeServer = (await this.app.container.make('server')).getNodeServer()
    if (nodeServer) realtime.attach(nodeServer as any)
  }

  async shutdown() {
    const { realtime } = await import('#core/realtime/realtime')
    await realtime.close()
  }
}
