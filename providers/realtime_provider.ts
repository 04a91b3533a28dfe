import type { ApplicationService } from '@adonisjs/core/types'

/**
 * socket.io on the Adonis HTTP server. Wires the staff-token authenticator, the admission check
 * (merchant active, module on) and the merchant context for socket handlers, and attaches to the HTTP server once it exists (web: here in ready(); tests:
 * tests/bootstrap.ts after the test server starts). Other processes (workers) only broadcast, through Redis.
 */
export default class RealtimeProvider {
  constructor(protected app: ApplicationService) {}

  async ready() {
    const environment = this.app.getEnvironment()
    if (environment !== 'web' && environment !== 'test') return
    const { realtime } = await import('#core/realtime/realtime')
    const { authenticateStaffSocket, admitSocket, runJobInTenant } = await import('#tenancy/index')
    realtime.useContext((merchantId, fn) => runJobInTenant({ merchantId }, fn))
    realtime.useAdmission(admitSocket)
    realtime.registerAuthenticator('staff', authenticateStaffSocket)
    if (environment !== 'web') return
    const server = await this.app.container.make('server')
    const nodeServer = server.getNodeServer()
    if (nodeServer) realtime.attach(nodeServer as any)
  }

  async shutdown() {
    const { realtime } = await import('#core/realtime/realtime')
    await realtime.close()
  }
}
