import ipaddr from 'ipaddr.js'

/**
 * Whether a listen address (HOST) keeps the server on this machine: unset (bin/server.ts then listens on
 * 127.0.0.1), localhost, or a loopback address (127.0.0.0/8, ::1, and their IPv4-mapped forms).
 */
export function isLoopbackHost(host: string | undefined) {
  return !host || host === 'localhost' || isLoopbackAddress(host)
}

/** Whether an IP address is loopback (IPv4-mapped IPv6 included); anything that is no address is not. */
export function isLoopbackAddress(address: string | undefined) {
  return !!address && ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback'
}
