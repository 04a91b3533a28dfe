import { useState } from 'react'
import { api, ApiError } from '../shared/api'
import type { Session } from './session'

export function Login({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api<{ token: string }>('/api/v1/auth/login', { method: 'POST', body: { email, password } })
      onSignedIn({ token: result.token, email })
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login card">
      <h1>Staff sign in</h1>
      <form onSubmit={submit}>
        <label htmlFor="email">Email</label>
        <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && <p className="error" role="alert">{error}</p>}
        <p>
          <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        </p>
        <p className="muted">
          New shop? <a href="/admin/sign-up">Sign up</a>
        </p>
      </form>
    </main>
  )
}
