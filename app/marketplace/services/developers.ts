import { DateTime } from 'luxon'
import { runWithReason } from '#core/database/actor_context'
import Developer from '#marketplace/models/developer'
import type { DeveloperStatus } from '#marketplace/catalog'
import {
  DeveloperExistsException,
  DeveloperNotFoundException,
  DeveloperRequiredException,
  DeveloperStateException,
} from '#marketplace/exceptions'
import { isUuid, isUniqueViolation } from '#marketplace/ids'

export type DeveloperInput = { displayName: string; contactEmail: string; website?: string }

/** Developer accounts: one per user, pending until platform support verifies it. */
export class Developers {
  forUser(userId: string) {
    return Developer.findBy('userId', userId)
  }

  /** The caller's developer account, or 403 E_DEVELOPER_REQUIRED. */
  async requireForUser(userId: string) {
    const developer = await this.forUser(userId)
    if (!developer) throw new DeveloperRequiredException()
    return developer
  }

  async create(userId: string, input: DeveloperInput) {
    if (await this.forUser(userId)) throw new DeveloperExistsException()
    try {
      return await Developer.create({
        userId,
        displayName: input.displayName,
        contactEmail: input.contactEmail,
        website: input.website ?? null,
        status: 'pending',
      })
    } catch (error) {
      if (isUniqueViolation(error)) throw new DeveloperExistsException()
      throw error
    }
  }

  async list(options: { status?: DeveloperStatus; page: number; perPage: number }) {
    const query = Developer.query().orderBy('created_at', 'asc').orderBy('id', 'asc')
    if (options.status) query.where('status', options.status)
    return query.paginate(options.page, options.perPage)
  }

  async find(id: string) {
    const developer = isUuid(id) ? await Developer.find(id) : null
    if (!developer) throw new DeveloperNotFoundException()
    return developer
  }

  /** Support verifies a pending (or suspended) developer: their apps may then go to review. */
  async verify(id: string, supportUserId: string | null, reason: string) {
    const developer = await this.find(id)
    if (developer.status === 'verified')
      throw new DeveloperStateException('The developer is already verified')
    developer.merge({ status: 'verified', verifiedBy: supportUserId, verifiedAt: DateTime.now() })
    await runWithReason(reason, () => developer.save())
    return developer
  }

  /** Support suspends a developer: no more changes, and their listed apps leave the listing. */
  async suspend(id: string, reason: string) {
    const developer = await this.find(id)
    if (developer.status === 'suspended')
      throw new DeveloperStateException('The developer is already suspended')
    developer.status = 'suspended'
    await runWithReason(reason, () => developer.save())
    return developer
  }
}

export const developers = new Developers()
