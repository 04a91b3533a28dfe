import { useState } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../shared/api'
import { useStaffApi } from './session'
import { SecondFactorPanel } from './SecondFactorPanel'

type AccountSession = {
  id: string
  merchant: { id: string; slug: string; name: string } | null
  device: string | null
  address: string | null
  created_at: string | null
  last_used_at: string | null
  current: boolean
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '—')

/** The account's security: password, second factor, sessions. */
export function Security() {
  return (
    <section className="security" aria-labelledby="security-title">
      <h1 id="security-title">Security</h1>
      <ChangePassword />
      <SecondFactorPanel />
      <Sessions />
    </section>
  )
}

function ChangePassword() {
  const staffApi = useStaffApi()
  const queryClient = useQueryClient()
  const [current, setCurrent] = useState('')
  const [password, setPassword] = useState('')
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setStatus(null)
    try {
      await staffApi('/api/v1/auth/password/change', { method: 'POST', body: { current_password: current, password } })
      setCurrent('')
      setPassword('')
      setStatus({ ok: true, text: 'Password changed. Your other devices were signed out.' })
      void queryClient.invalidateQueries({ queryKey: ['account-sessions'] })
    } catch (failure) {
      setStatus({ ok: false, text: failure instanceof ApiError ? failure.message : 'Could not reach the server' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="card">
      <h2>Password</h2>
      <form onSubmit={submit}>
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <label htmlFor="new-password">New password</label>
        <input id="new-password" type="password" autoComplete="new-password" required minLength={10} maxLength={128} value={password} onChange={(e) => setPassword(e.target.value)} />
        {status && <p className={status.ok ? 'notice' : 'error'} role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
        <p>
          <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Change password'}</button>
        </p>
      </form>
    </div>
  )
}

function Sessions() {
  const staffApi = useStaffApi()
  const sessions = useQuery({
    queryKey: ['account-sessions'],
    queryFn: () => staffApi<{ data: AccountSession[] }>('/api/v1/auth/sessions'),
  })
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)

  async function revoke(path: string, done: string) {
    setStatus(null)
    try {
      await staffApi(path, { method: 'DELETE' })
      setStatus({ ok: true, text: done })
    } catch (failure) {
      setStatus({ ok: false, text: failure instanceof ApiError ? failure.message : 'Could not reach the server' })
    }
    void sessions.refetch()
  }

  const list = sessions.data?.data ?? []
  return (
    <div className="card">
      <h2>Where you are signed in</h2>
      {sessions.isLoading && <p aria-busy="true">Loading…</p>}
      {list.length > 0 && (
        <ul className="sessions">
          {list.map((s) => (
            <li key={s.id} data-session={s.id}>
              <div>
                <strong className="device">{s.device ?? 'Unknown device'}</strong>
                {s.current && <span className="chip">This device</span>}
                <div className="muted">
                  {s.address ?? 'unknown address'}
                  {s.merchant ? ` · ${s.merchant.name}` : ''}
                </div>
                <div className="muted">
                  Signed in {when(s.created_at)} · last used {when(s.last_used_at)}
                </div>
              </div>
              {!s.current && (
                <button type="button" className="secondary" aria-label={`Sign out ${s.device ?? 'unknown device'} (${s.address ?? 'unknown address'})`} onClick={() => revoke(`/api/v1/auth/sessions/${s.id}`, 'That session is signed out.')}>
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {status && <p className={status.ok ? 'notice' : 'error'} role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
      <p>
        <button type="button" className="secondary" disabled={list.length < 2} onClick={() => revoke('/api/v1/auth/sessions', 'Every other session is signed out.')}>
          Sign out everywhere else
        </button>
      </p>
    </div>
  )
}
