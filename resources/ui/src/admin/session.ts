import { createContext, useContext } from 'react'
import { api, type ApiOptions } from '../shared/api'

/** The signed-in staff member: a bearer token bound to one merchant (kept in this browser only). */
export type Session = { token: string; email: string }

const KEY = 'gudbro.staff'

export function loadSession(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null')
  } catch {
    return null
  }
}

export function saveSession(session: Session | null) {
  if (session) localStorage.setItem(KEY, JSON.stringify(session))
  else localStorage.removeItem(KEY)
}

export const SessionContext = createContext<{ session: Session; signOut: () => void } | null>(null)

export function useSession() {
  const value = useContext(SessionContext)
  if (!value) throw new Error('useSession outside the signed-in area')
  return value
}

/** The API with the staff token; a 401 signs out (the token expired or was revoked). */
export function useStaffApi() {
  const { session, signOut } = useSession()
  return async function staffApi<T = any>(path: string, options: ApiOptions = {}): Promise<T> {
    try {
      return await api<T>(path, { ...options, token: session.token })
    } catch (error: any) {
      if (error?.status === 401) signOut()
      throw error
    }
  }
}
