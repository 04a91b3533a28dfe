import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { notificationsConfig } from '#notifications/notifications_config'
import { PermanentDeliveryError } from '#notifications/channels/channel'

/** The target is (or resolves to) an address inside our own network: retrying cannot help. */
export class PrivateTargetError extends PermanentDeliveryError {}

/** Addresses for a host name, as `dns.lookup(name, { all: true })` gives them. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>

const systemResolver: Resolver = (hostname) =>
  dns.promises.lookup(hostname, { all: true, verbatim: true })

/** 2000::/3, the only IPv6 block handed out for global unicast (RFC 4291); everything else is local or reserved. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')

/** The IPv4 address held in two 16-bit groups of an IPv6 address. */
function ipv4In(parts: number[], index: number) {
  const [high, low] = [parts[index], parts[index + 1]]
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff])
}

/**
 * The IPv4 addresses an IPv6 address carries and reaches: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated
 * (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo
 * (2001::/32: the server, and the client stored inverted).
 */
function embeddedIPv4(address: ipaddr.IPv6) {
  const parts = address.parts
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return [ipv4In(parts, 6)]
    case '6to4':
      return [ipv4In(parts, 1)]
    case 'teredo':
      return [
        ipv4In(parts, 2),
        ipv4In(
          parts.map((part) => part ^ 0xffff),
          6
        ),
      ]
  }
  return parts.slice(0, 6).every((part) => part === 0) ? [ipv4In(parts, 6)] : []
}

/**
 * True only for a public unicast address: never loopback, private, link-local, CGNAT, unique-local,
 * multicast, broadcast, unspecified, documentation, benchmarking or reserved, nor an IPv6 form that
 * carries such an IPv4 address.
 */
export function isPublicAddress(text: string): boolean {
  if (!ipaddr.isValid(text)) return false
  const address = ipaddr.parse(text)
  if (address.kind() === 'ipv4') return address.range() === 'unicast'
  const v6 = address as ipaddr.IPv6
  const embedded = embeddedIPv4(v6)
  if (embedded.length > 0) return embedded.every((ipv4) => ipv4.range() === 'unicast')
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST)
}

function assertPublic(host: string, addresses: string[]) {
  if (notificationsConfig.allowPrivateTargets()) return
  const refused = addresses.filter((address) => !isPublicAddress(address))
  if (refused.length > 0)
    throw new PrivateTargetError(`target ${host} is a private address (${refused.join(', ')})`)
}

/**
 * A `lookup` for outbound sockets: resolves the name once, refuses it if any answer is not public, and
 * hands the socket exactly the addresses it checked. Checking at connect time, on the addresses used,
 * is what closes DNS rebinding (a name that answers a public address to a check and a private one to
 * the connection).
 */
export function checkedLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((answers) => {
        if (answers.length === 0) throw new Error(`cannot resolve ${hostname}`)
        assertPublic(
          hostname,
          answers.map((answer) => answer.address)
        )
        const family = options.family === 4 || options.family === 6 ? options.family : 0
        const usable = family ? answers.filter((answer) => answer.family === family) : answers
        if (usable.length === 0) throw new Error(`${hostname} has no IPv${family} address`)
        if (options.all) callback(null, usable)
        else callback(null, usable[0].address, usable[0].family)
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0))
  }
}

export type OutboundRequest = {
  method: string
  headers: Record<string, string>
  body: string | Buffer
  timeoutMs: number
}

/**
 * HTTP client for URLs that merchants (webhooks) and browsers (push endpoints) choose. Its sockets
 * connect only to checked public addresses: IP literals are checked before the request (sockets skip
 * the lookup for them), names in the agents' lookup. Redirects are never followed; the caller sees the
 * 3xx status. Private targets are allowed only with NOTIFICATIONS_ALLOW_PRIVATE_TARGETS (local
 * development and tests, which talk to stand-ins on 127.0.0.1); it is off unless set.
 */
export class PublicTargetClient {
  readonly #agents: { 'http:': http.Agent; 'https:': https.Agent }

  constructor(resolve: Resolver = systemResolver) {
    const lookup = checkedLookup(resolve)
    this.#agents = {
      'http:': new http.Agent({ keepAlive: true, lookup }),
      'https:': new https.Agent({ keepAlive: true, lookup }),
    }
  }

  /** Sends the request and drains the answer; resolves with the HTTP status. */
  async send(url: string, request: OutboundRequest): Promise<number> {
    const target = URL.canParse(url) ? new URL(url) : null
    if (!target) throw new PermanentDeliveryError('target is not a valid URL')
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new PermanentDeliveryError('target must be http(s)')
    const host = target.hostname.replace(/^\[|\]$/g, '')
    if (ipaddr.isValid(host)) assertPublic(host, [host])
    const transport = target.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const outgoing = transport.request(
        target,
        {
          method: request.method,
          headers: request.headers,
          agent: this.#agents[target.protocol as 'http:' | 'https:'],
          signal: AbortSignal.timeout(request.timeoutMs),
        },
        (response) => {
          response.resume()
          response.on('error', reject)
          response.on('close', () =>
            response.complete
              ? resolve(response.statusCode ?? 0)
              : reject(new Error('the answer was cut off'))
          )
        }
      )
      outgoing.on('error', reject)
      outgoing.end(request.body)
    })
  }

  close() {
    this.#agents['http:'].destroy()
    this.#agents['https:'].destroy()
  }
}

export const publicTargets = new PublicTargetClient()
