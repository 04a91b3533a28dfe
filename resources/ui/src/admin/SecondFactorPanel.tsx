import { useEffect, useState } from 'react'
import { api, ApiError, type ApiOptions } from '../shared/api'
import { useSession } from './session'

type Status = { enabled: boolean; pending: boolean; confirmed_at: string | null; recovery_codes_left: number }
type Enrolment = { secret: string; otpauth_uri: string }

const BASE = '/api/v1/auth/second-factor'

/**
 * The signed-in person's second factor (for the Security page): turn it on (the secret and its
 * otpauth:// link to add to an authenticator app, then a first code to confirm), see the recovery
 * codes once, make new ones, turn it off with a code. A wrong code is a 401 with its own error code:
 * unlike other 401s it does not sign out. No QR library is bundled: the link opens the app on a phone
 * and the secret can be typed in.
 */
export function SecondFactorPanel() {
  const { session, signOut } = useSession()
  const [status, setStatus] = useState<Status | null>(null)
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null)
  const [codes, setCodes] = useState<string[] | null>(null)
  const [code, setCode] = useState('')
  const [password, setPassword] = useState('')
  const [useRecovery, setUseRecovery] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function call<T>(path: string, options: ApiOptions = {}): Promise<T> {
    try {
      return await api<T>(path, { ...options, token: session.token })
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401 && failure.code === 'E_UNAUTHORIZED') signOut()
      throw failure
    }
  }

  async function refresh() {
    setStatus(await call<Status>(BASE))
  }

  useEffect(() => {
    refresh().catch((failure) => setError(failure instanceof ApiError ? failure.message : 'Could not load'))
  }, [])

  async function act(work: () => Promise<void>) {
    setBusy(true)
    setError(null)
    try {
      await work()
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not reach the server')
    } finally {
      setBusy(false)
      setCode('')
    }
  }

  // Setting a factor up asks for the password again: a session left open elsewhere cannot bind one.
  const start = (event: React.FormEvent) => {
    event.preventDefault()
    return act(async () => {
      setCodes(null)
      setEnrolment(await call<Enrolment>(BASE, { method: 'POST', body: { password } }))
      setPassword('')
    })
  }

  const confirm = (event: React.FormEvent) => {
    event.preventDefault()
    return act(async () => {
      const result = await call<{ recovery_codes: string[] }>(`${BASE}/confirm`, { method: 'POST', body: { code: code.trim() } })
      setEnrolment(null)
      setCodes(result.recovery_codes)
      await refresh()
    })
  }

  const regenerate = (event: React.FormEvent) => {
    event.preventDefault()
    return act(async () => {
      const result = await call<{ recovery_codes: string[] }>(`${BASE}/recovery-codes`, { method: 'POST', body: { code: code.trim() } })
      setCodes(result.recovery_codes)
      await refresh()
    })
  }

  const disable = () => act(async () => {
    const body = useRecovery ? { recovery_code: code.trim() } : { code: code.trim() }
    await call(BASE, { method: 'DELETE', body })
    setCodes(null)
    await refresh()
  })

  const codeInput = (
    <>
      <label htmlFor="second-factor-panel-code">{useRecovery ? 'Recovery code' : 'Code from your authenticator app'}</label>
      <input
        id="second-factor-panel-code"
        autoComplete="one-time-code"
        inputMode={useRecovery ? 'text' : 'numeric'}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
    </>
  )

  return (
    <div className="card" aria-labelledby="second-factor-title">
      <h2 id="second-factor-title">Two-step sign in</h2>
      {error && <p className="error" role="alert">{error}</p>}

      {codes && (
        <div role="status">
          <p><strong>Your recovery codes.</strong> Each works once, if you lose your phone. Keep them somewhere safe: they are shown only now.</p>
          <pre className="recovery-codes">{codes.join('\n')}</pre>
          <p><button type="button" className="secondary" onClick={() => setCodes(null)}>I have saved them</button></p>
        </div>
      )}

      {status === null ? (
        <p>Loading…</p>
      ) : enrolment ? (
        <form onSubmit={confirm}>
          <p>Add this account to an authenticator app, then enter the code it shows.</p>
          <p><a href={enrolment.otpauth_uri}>Open in an authenticator app</a></p>
          <p>Or type this secret: <code>{enrolment.secret}</code></p>
          <details>
            <summary>The full link</summary>
            <code style={{ wordBreak: 'break-all' }}>{enrolment.otpauth_uri}</code>
          </details>
          {codeInput}
          <p>
            <button type="submit" disabled={busy}>Turn on</button>{' '}
            <button type="button" className="secondary" onClick={() => setEnrolment(null)}>Cancel</button>
          </p>
        </form>
      ) : status.enabled ? (
        <>
          <p>On since {status.confirmed_at ? new Date(status.confirmed_at).toLocaleDateString() : '—'}; {status.recovery_codes_left} recovery codes left.</p>
          <form onSubmit={regenerate}>
            {codeInput}
            <p>
              <button type="submit" disabled={busy || useRecovery}>New recovery codes</button>{' '}
              <button type="button" className="secondary" disabled={busy} onClick={disable}>Turn off</button>{' '}
              <button type="button" className="secondary" onClick={() => { setUseRecovery(!useRecovery); setCode('') }}>
                {useRecovery ? 'Use a code from the app' : 'Use a recovery code'}
              </button>
            </p>
          </form>
        </>
      ) : (
        <>
          <p>Off. Signing in needs your password only.</p>
          <form onSubmit={start}>
            <label htmlFor="second-factor-password">Your password</label>
            <input id="second-factor-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            <p><button type="submit" disabled={busy || !password}>Turn on two-step sign in</button></p>
          </form>
        </>
      )}
    </div>
  )
}
