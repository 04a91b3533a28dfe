import type { Socket } from 'socket.io'

/** Who a socket is, decided once per handshake (and again on every reconnection and re-validation). */
export type SocketIdentity = {
  /** 'staff', 'tracking', 'conversation' ... whichever authenticator accepted the credentials. */
  kind: string
  merchantId: string
  /** The user, order or conversation the credentials stand for. */
  subject: string
  role?: string | null
  /** Rooms the socket joins on connect. */
  rooms: string[]
  /** The signed-in user and access token behind the socket (staff), so a revocation can find it. */
  userId?: string
  tokenId?: string
  /** The module the socket serves (tracking: orders): it is refused, and closed, when that module is off. */
  module?: string
  /** When the credentials stop being valid: the socket is closed then. */
  expiresAt?: Date | null
}

/** Returns an identity for credentials it recognises, null for credentials that are not its kind or not valid. */
export type SocketAuthenticator = (
  credentials: Record<string, unknown>
) => Promise<SocketIdentity | null>

/**
 * Decides whether an authenticated identity may be connected now (its merchant active, its module on);
 * throws an error with a `code` (and a `status` below 500) to refuse.
 */
export type SocketAdmission = (identity: SocketIdentity) => Promise<void>

/** Decides whether an identity may join a room; registered per room prefix ("conversation" for "conversation:<id>"). */
export type RoomAuthorizer = (identity: SocketIdentity, room: string) => boolean | Promise<boolean>

/** A client event handler; its return value is the ack. Runs inside the socket's merchant context. */
export type SocketHandler = (
  context: { identity: SocketIdentity; socket: Socket },
  payload: unknown
) => Promise<unknown>

export type RunInMerchantContext = <T>(merchantId: string, fn: () => Promise<T>) => Promise<T>
