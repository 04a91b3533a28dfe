import { useEffect, useState } from 'react'
import { io, type Socket } from 'socket.io-client'

let shared: { token: string; socket: Socket } | null = null

/** One socket per signed-in tab, authenticated with the staff token; socket.io reconnects by itself. */
export function staffSocket(token: string): Socket {
  if (shared?.token !== token) {
    shared?.socket.close()
    shared = { token, socket: io({ auth: { token }, transports: ['websocket'] }) }
    // The server says why it closes a socket: a new role reconnects (authorised with that role);
    // anything else means this token no longer works here.
    const socket = shared.socket
    socket.on('access.revoked', (payload: { reason?: string }) => {
      if (payload?.reason === 'role_changed') setTimeout(() => socket.connect(), 250)
      else for (const handler of accessLost) handler()
    })
  }
  return shared.socket
}

const accessLost = new Set<() => void>()

/** Runs when the server revokes this tab's access (removed from the team, signed out elsewhere...). */
export function onAccessLost(handler: () => void) {
  accessLost.add(handler)
  return () => void accessLost.delete(handler)
}

export function closeStaffSocket() {
  shared?.socket.close()
  shared = null
}

export function useConnected(socket: Socket) {
  const [connected, setConnected] = useState(socket.connected)
  useEffect(() => {
    const up = () => setConnected(true)
    const down = () => setConnected(false)
    socket.on('connect', up)
    socket.on('disconnect', down)
    return () => {
      socket.off('connect', up)
      socket.off('disconnect', down)
    }
  }, [socket])
  return connected
}
