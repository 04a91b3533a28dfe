import { createHmac } from 'node:crypto'
import { appKey } from '#config/app'

/**
 * A fixed-size key for a personal value (an email, a phone number) in a counter store: a digest keyed
 * with the app key, so the store holds no address that a dictionary could recover. Normalise first.
 */
export function keyedDigest(value: string) {
  return createHmac('sha256', appKey.release()).update(value).digest('hex').slice(0, 32)
}
