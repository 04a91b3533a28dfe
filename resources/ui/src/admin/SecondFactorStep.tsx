import { useState } from 'react'
import { api, ApiError } from '../shared/api'

/**
 * The second step of a sign-in for an account with a second factor: a code from the authenticator
 * app, or one of the recovery codes. The challenge is single use and lasts five minutes; when it is
 * refused as expired, the person starts again from the password.
 */
export function SecondFactorStep({
  challenge,
  onSignedIn,
  onRestart,
}: {
  challenge: string
  onSignedIn: (token: string) => void
  onRestart: () => void
}) {
  const [value, setValue] = useState('')
  const [useRecovery, setUseRecovery] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const proof = useRecovery ? { recovery_code: value.trim() } : { code: value.trim() }
      const result = await api<{ token: string }>('/api/v1/auth/login/second-factor', {
        method: 'POST',
        body: { challenge, ...proof },
      })
      onSignedIn(result.token)
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'E_SECOND_FACTOR_CHALLENGE_INVALID') return onRestart()
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
      setValue('')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login card">
      <h1>Two-step sign in</h1>
      <form onSubmit={submit}>
        <label htmlFor="second-factor-code">{useRecovery ? 'Recovery code' : 'Code from your authenticator app'}</label>
        <input
          id="second-factor-code"
          autoComplete="one-time-code"
          inputMode={useRecovery ? 'text' : 'numeric'}
          pattern={useRecovery ? undefined : '\\d{3} ?\\d{3}'}
          maxLength={useRecovery ? 40 : 7}
          required
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        {error && <p className="error" role="alert">{error}</p>}
        <p>
          <button type="submit" disabled={busy}>{busy ? 'Checking…' : 'Continue'}</button>{' '}
          <button type="button" className="secondary" onClick={() => { setUseRecovery(!useRecovery); setValue(''); setError(null) }}>
            {useRecovery ? 'Use a code from the app' : 'Use a recovery code'}
          </button>{' '}
          <button type="button" className="secondary" onClick={onRestart}>Start again</button>
        </p>
      </form>
    </main>
  )
}
