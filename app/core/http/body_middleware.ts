import app from '@adonisjs/core/services/app'
import BodyParserMiddleware from '@adonisjs/core/bodyparser_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

let parser: BodyParserMiddleware | undefined

/**
 * Reads a matched route's request body with the framework's parser (config/bodyparser.ts), made once
 * (it keeps no request state). A plain function on the module routes
 * (app/tenancy/modules/module_registry.ts), so a request to no route never has its body read. The
 * framework's router middleware is a class the container builds, parser included, for every request:
 * that cost about a tenth of a tenant request's CPU, body or not (benchmarks/kernel.ts).
 */
export function readBody(ctx: HttpContext, next: NextFn) {
  parser ??= new BodyParserMiddleware(app.config.get('bodyparser'), app.experimentalFlags)
  return parser.handle(ctx, next)
}
