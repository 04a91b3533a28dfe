import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { notificationsConfig } from '#notifications/notifications_config'
import { PermanentDeliveryError } from '#notifications/channels/channel'

/** Loopback, private, link-local, CGNAT, unspecified and multicast ranges (IPv4 and IPv6). */
function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number)
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    )
  }
  const v6 = address.toLowerCase()
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7))
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80') || v6.startsWith('ff')
}

/**
 * Merchants choose webhook URLs (and browsers choose push endpoints): refuse targets inside our own
 * network unless NOTIFICATIONS_ALLOW_PRIVATE_TARGETS is set (local development, tests). Checked at send
 * time on the resolved addresses. A name that resolves differently between this check and the request
 * (DNS rebinding) is not covered; an egress proxy is the complete answer.
 */
export async function assertPublicTarget(url: string) {
  if (notificationsConfig.allowPrivateTargets()) return
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new PermanentDeliveryError('target is not a valid URL')
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) throw new PermanentDeliveryError('target must be http(s)')
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((entry) => entry.address)
  if (addresses.length === 0) throw new Error(`cannot resolve ${host}`)
  if (addresses.some(isPrivateAddress)) throw new PermanentDeliveryError(`target ${host} is a private address`)
}
