import { useState } from 'react'
import { api, ApiError } from '../shared/api'
import type { Session } from './session'
import { SecondFactorStep } from './SecondFactorStep'

type LoginAnswer = { token?: string; second_factor_required?: boolean; challenge?: string }

export function Login({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [challenge, setChallenge] = useState<string | null>(null)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api<LoginAnswer>('/api/v1/auth/login', { method: 'POST', body: { email, password } })
      if (result.second_factor_required && result.challenge) return setChallenge(result.challenge)
      onSignedIn({ token: result.token!, email })
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
    } finally {
      setBusy(false)
    }
  }

  if (challenge)
    return (
      <SecondFactorStep
        challenge={challenge}
        onSignedIn={(token) => onSignedIn({ token, email })}
        onRestart={() => { setChallenge(null); setPassword('') }}
      />
    )

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
      <p><a href="/admin/forgot-password">Forgot your password?</a></p>
    </main>
  )
}
