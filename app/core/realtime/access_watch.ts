import type { SocketIdentity } from '#core/realtime/types'

/**
 * Every open socket is authenticated again this often (with jitter), and at its credentials' expiry: the
 * backstop for a revocation message lost while this process was cut off from Redis pub/sub.
 */
const REVALIDATE_EVERY_MS = 5 * 60_000
const MAX_TIMER_MS = 2 ** 31 - 1
const EXPIRY_SLACK_MS = 1000

type Watched = {
  connected: boolean
  once(event: 'disconnect', listener: () => void): unknown
}

/**
 * One timer per socket: at the credentials' expiry the socket is closed; every few minutes before that,
 * `stillAllowed` authenticates and admits the handshake's credentials again, and the socket is closed if
 * they no longer are. A timer per socket, rather than a sweep, closes an expired token at its second.
 */
export function watchAccess(
  socket: Watched,
  identity: SocketIdentity,
  stillAllowed: () => Promise<boolean>,
  close: (reason: 'token_expired' | 'access_lost') => void
) {
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    const revalidateAt = Date.now() + REVALIDATE_EVERY_MS * (0.8 + Math.random() * 0.4)
    const at = Math.min(revalidateAt, identity.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY)
    timer = setTimeout(check, Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS))
    timer.unref()
  }
  const check = async () => {
    if (!socket.connected) return
    const untilExpiry = (identity.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) - Date.now()
    if (untilExpiry <= 0) return close('token_expired')
    // A timer can fire a little before its time by the wall clock: wait out the rest, or the access
    // check would run at the expiry and close the socket as 'access_lost'.
    if (untilExpiry < EXPIRY_SLACK_MS) {
      timer = setTimeout(check, untilExpiry + 1)
      timer.unref()
      return
    }
    if (!(await stillAllowed())) return close('access_lost')
    if (socket.connected) arm()
  }
  arm()
  socket.once('disconnect', () => clearTimeout(timer))
}
