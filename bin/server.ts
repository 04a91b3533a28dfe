/*
 * HTTP server entry point (node bin/server.js after a build, or through ace serve).
 */
import 'reflect-metadata'
import type { Server } from 'node:http'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import type { ApplicationService } from '@adonisjs/core/types'
import { gracefulShutdown } from '#core/process/graceful_shutdown'

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
      // Loopback unless HOST says otherwise (Adonis itself would listen on every interface).
      process.env.HOST ||= '127.0.0.1'
    })
    // Sockets first (an open websocket would keep the HTTP server from closing), then the app: the HTTP
    // server stops listening and finishes its requests, then the providers close Redis and the databases.
    gracefulShutdown
      .then('socket.io: disconnect clients', async () => {
        const { realtime } = await import('#core/realtime/realtime')
        await realtime.close()
      })
      .then('http server: finish requests in flight, then close providers', () => closeApp(app))
      .install()
  })
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })

/** app.terminate(), closing keep-alive connections as soon as they fall idle (Node closes them only once). */
async function closeApp(app: ApplicationService) {
  const server = await app.container.make('server')
  const nodeServer = server.getNodeServer()
  const idle = setInterval(() => (nodeServer as Server | undefined)?.closeIdleConnections(), 100)
  try {
    await app.terminate()
  } finally {
    clearInterval(idle)
  }
}
