import { useState } from 'react'
import { api, ApiError } from '../shared/api'

/** The token comes in the link's fragment (#token=...), which browsers never send to a server. */
function tokenFromLink(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
}

/** Chooses a new password from a mailed link; every device is signed out afterwards. */
export function ResetPassword({ onDone }: { onDone: () => void }) {
  const [token] = useState(tokenFromLink)
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [spent, setSpent] = useState(false)
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    if (password !== repeat) return setError('The two passwords differ')
    setBusy(true)
    setError(null)
    try {
      await api('/api/v1/auth/password/reset', { method: 'POST', body: { token, password } })
      // The link is spent: drop it from the address bar and history.
      history.replaceState(null, '', '/admin/reset-password')
      setDone(true)
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
      setSpent(failure instanceof ApiError && failure.code === 'E_TOKEN_INVALID')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login card">
      <h1>Choose a new password</h1>
      {done ? (
        <>
          <p className="notice" role="status">Your password is changed and every device was signed out.</p>
          <p><button type="button" onClick={onDone}>Sign in</button></p>
        </>
      ) : !token ? (
        <p className="error" role="alert">This page needs the link from your mail. <a href="/admin/forgot-password">Ask for a new one</a>.</p>
      ) : (
        <form onSubmit={submit}>
          <p className="muted">At least 10 characters; a few unrelated words are easy to remember and hard to guess.</p>
          <label htmlFor="reset-password">New password</label>
          <input id="reset-password" type="password" autoComplete="new-password" required minLength={10} maxLength={128} value={password} onChange={(e) => setPassword(e.target.value)} />
          <label htmlFor="reset-repeat">Repeat it</label>
          <input id="reset-repeat" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          {error && (
            <p className="error" role="alert">
              {error} {spent && <a href="/admin/forgot-password">Ask for a new link</a>}
            </p>
          )}
          <p>
            <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save the new password'}</button>
          </p>
        </form>
      )}
    </main>
  )
}
