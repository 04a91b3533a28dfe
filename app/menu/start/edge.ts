/*
 * Preload: mounts the public menu's early answer as a server middleware (after the request
 * context middleware, so it keeps request ids and latency metrics).
 */
import server from '@adonisjs/core/services/server'

server.use([() => import('#menu/http/menu_edge_middleware')])
