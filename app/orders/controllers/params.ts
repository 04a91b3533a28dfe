import { NotFoundException } from '#core/exceptions/http_errors'
import { uuidParamValidator } from '#orders/validators/order_validators'

/** A path id that is not a UUID cannot name anything of this merchant: 404, like any unknown id. */
export async function pathId(params: Record<string, unknown>, what: string): Promise<string> {
  const { id } = await uuidParamValidator.validate(params).catch(() => {
    throw new NotFoundException(`${what} not found`)
  })
  return id
}
