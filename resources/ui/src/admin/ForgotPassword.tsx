import { useState } from 'react'
import { api, ApiError } from '../shared/api'

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPassword() {
  const [email, setEmail] = useState('')
  const [sent, setSent] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api<{ message: string }>('/api/v1/auth/password/forgot', { method: 'POST', body: { email } })
      setSent(result.message)
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login card">
      <h1>Forgot your password?</h1>
      {sent ? (
        <p className="notice" role="status">{sent} The link works once, for 30 minutes.</p>
      ) : (
        <form onSubmit={submit}>
          <p className="muted">Enter the email you sign in with: we will mail you a link to choose a new password.</p>
          <label htmlFor="forgot-email">Email</label>
          <input id="forgot-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          {error && <p className="error" role="alert">{error}</p>}
          <p>
            <button type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send me a link'}</button>
          </p>
        </form>
      )}
      <p><a href="/admin">Back to sign in</a></p>
    </main>
  )
}
