import type { HttpContext } from '@adonisjs/core/http'
import { listing } from '#marketplace/services/listing'

/** The marketplace as a merchant's owner browses it: listed apps only. */
export default class ListingController {
  async index({ response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await listing.all() }
  }

  async show({ params, response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await listing.bySlug(params.slug) }
  }
}
