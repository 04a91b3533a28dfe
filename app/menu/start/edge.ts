/*
 * Preload (web and test): puts the public menu's early answer in front of the framework's request
 * handler. Preloads run before the HTTP server is created, and both the server and the test server
 * bind `server.handle` when they create it, so they pick up the wrapped handler.
 */
import server from '@adonisjs/core/services/server'
import { withMenuEdge } from '#menu/http/menu_edge'

const frameworkHandle = server.handle.bind(server)
server.handle = withMenuEdge(frameworkHandle as any) as typeof server.handle
