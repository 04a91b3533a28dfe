import { useEffect, useState } from 'react'
import { io, type Socket } from 'socket.io-client'

let shared: { token: string; socket: Socket } | null = null

/** One socket per signed-in tab, authenticated with the staff token; socket.io reconnects by itself. */
export function staffSocket(token: string): Socket {
  if (shared?.token !== token) {
    shared?.socket.close()
    shared = { token, socket: io({ auth: { token }, transports: ['websocket'] }) }
  }
  return shared.socket
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
