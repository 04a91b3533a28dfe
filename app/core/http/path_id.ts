import vine from '@vinejs/vine'
import { NotFoundException } from '#core/exceptions/http_errors'

const idParam = vine.compile(vine.object({ id: vine.string().uuid() }))

/** A path id that is not a UUID cannot name anything of this merchant: 404, like any unknown id. */
export async function pathId(params: Record<string, unknown>, what = 'Resource'): Promise<string> {
  const { id } = await idParam.validate(params).catch(() => {
    throw new NotFoundException(`${what} not found`)
  })
  return id
}
