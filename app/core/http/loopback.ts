import ipaddr from 'ipaddr.js'

/**
 * Whether a listen address (HOST) keeps the server on this machine: unset (bin/server.ts then listens on
 * 127.0.0.1), localhost, or a loopback address (127.0.0.0/8, ::1, and their IPv4-mapped forms).
 */
export function isLoopbackHost(host: string | undefined) {
  if (!host || host === 'localhost') return true
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback'
}
