import { useEffect, useState } from 'react'
import { api, ApiError } from '../shared/api'
import { loadSession, type Session } from './session'

type Preview = { merchant: { name: string; slug: string }; role: string; email: string; expires_at: string; account_exists: boolean }

/** The token travels in the fragment (#token=...), which browsers never send to a server or in a Referer. */
function tokenFromHash() {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
}

/**
 * /admin/accept-invitation#token=...: a new person chooses a password and gives their name; someone
 * with an account for the invited address accepts while signed in with it (or is told to sign in).
 */
export function AcceptInvitation({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token] = useState(tokenFromHash)
  const [preview, setPreview] = useState<Preview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [fullName, setFullName] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const session = loadSession()

  useEffect(() => {
    if (!token) return setError('This link has no invitation in it. Open the link from the mail again.')
    api<{ data: Preview }>('/api/v1/auth/invitations/preview', { method: 'POST', body: { token } })
      .then((result) => setPreview(result.data))
      .catch((failure) => setError(failure instanceof ApiError ? failure.message : 'Could not reach the server'))
  }, [token])

  const signedInAsInvited = Boolean(session && preview && session.email.toLowerCase() === preview.email.toLowerCase())

  async function accept(event: React.FormEvent) {
    event.preventDefault()
    if (!preview) return
    setBusy(true)
    setError(null)
    try {
      if (signedInAsInvited) {
        await api('/api/v1/auth/invitations/accept', { method: 'POST', body: { token }, token: session!.token })
        setDone(true)
        return
      }
      await api('/api/v1/auth/invitations/accept', { method: 'POST', body: { token, password, full_name: fullName } })
      // Signed in for the shop that invited them.
      const signedIn = await api<{ token: string }>('/api/v1/auth/login', { method: 'POST', body: { email: preview.email, password, merchant: preview.merchant.slug } })
      history.replaceState(null, '', '/admin')
      onSignedIn({ token: signedIn.token, email: preview.email })
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login card">
      <h1>Join the team</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {!preview && !error && <p aria-busy="true">Loading…</p>}
      {preview && done && (
        <p role="status">
          You joined {preview.merchant.name} as {preview.role}. <a href="/admin" onClick={() => localStorage.removeItem('gudbro.staff')}>Sign in to {preview.merchant.name}</a>.
        </p>
      )}
      {preview && !done && (
        <form onSubmit={accept}>
          <p>{preview.merchant.name} invites <strong>{preview.email}</strong> to join as {preview.role}.</p>
          {signedInAsInvited ? (
            <p><button type="submit" disabled={busy}>Accept</button></p>
          ) : preview.account_exists ? (
            <p>
              An account exists for {preview.email}. <a href="/admin">Sign in with it</a>, then open this link from the mail again to accept.
              {session && ` (You are signed in as ${session.email}, which is not the invited address.)`}
            </p>
          ) : (
            <>
              <label htmlFor="full-name">Your name</label>
              <input id="full-name" autoComplete="name" required maxLength={200} value={fullName} onChange={(e) => setFullName(e.target.value)} />
              <label htmlFor="new-password">Choose a password</label>
              <input id="new-password" type="password" autoComplete="new-password" required minLength={10} maxLength={200} value={password} onChange={(e) => setPassword(e.target.value)} />
              <p><button type="submit" disabled={busy}>{busy ? 'Joining…' : 'Accept and sign in'}</button></p>
            </>
          )}
        </form>
      )}
    </main>
  )
}
