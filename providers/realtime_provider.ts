import type { ApplicationService } from '@adonisjs/core/types'

/**
 * socket.io on the Adonis HTTP server. Wires the staff-token authenticator and the merchant context
 * for socket handlers in every process (workers broadcast through Redis too), and attaches to the
 * HTTP server once it exists (web: here in ready(); tests: tests/bootstrap.ts after the test server starts).
 */
export default class RealtimeProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    const { realtime } = await import('#core/realtime/realtime')
    const { verifyStaffToken, runJobInTenant } = await import('#tenancy/index')
    realtime.useContext((merchantId, fn) => runJobInTenant({ merchantId }, fn))
    realtime.registerAuthenticator('staff', async (credentials) => {
      if (typeof credentials.token !== 'string') return null
      const staff = await verifyStaffToken(credentials.token)
      if (!staff) return null
      return {
        kind: 'staff',
        merchantId: staff.merchantId,
        subject: staff.userId,
        role: staff.role,
        rooms: [`merchant:${staff.merchantId}`, `merchant:${staff.merchantId}:orders`],
      }
    })
  }

  async ready() {
    if (this.app.getEnvironment() !== 'web') return
    const server = await this.app.container.make('server')
    const nodeServer = server.getNodeServer()
    if (!nodeServer) return
    const { realtime } = await import('#core/realtime/realtime')
    realtime.attach(nodeServer as any)
  }

  async shutdown() {
    const { realtime } = await import('#core/realtime/realtime')
    await realtime.close()
  }
}
