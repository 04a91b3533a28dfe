import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { snakeKeys } from '#core/http/json_keys'

/**
 * Every JSON body a route answers with leaves in snake_case (docs/decisions/wire-format.md):
 * controllers return camelCase objects, Lucid models or snake_case rows alike. Pre-rendered bytes
 * (strings and buffers, e.g. the public menu) are sent as they are.
 */
export default class WireFormatMiddleware {
  async handle({ response }: HttpContext, next: NextFn) {
    await next()
    const content = response.content
    if (!content || content.length > 2) return
    const [body, generateEtag] = content
    if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return
    response.send(snakeKeys(body), generateEtag)
  }
}
