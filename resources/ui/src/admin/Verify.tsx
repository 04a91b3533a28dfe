import { useEffect, useState } from 'react'
import { api, ApiError } from '../shared/api'

type State =
  | { status: 'working' }
  | { status: 'verified'; published: string[] }
  | { status: 'failed'; code: string; message: string }

const MESSAGES: Record<string, string> = {
  E_TOKEN_USED: 'This link was used already. If your address is verified, you are all set.',
  E_TOKEN_EXPIRED: 'This link has expired. Sign in and ask for a new one from the checklist.',
  E_TOKEN_INVALID: 'This link is not valid. Copy the whole link from the mail, or ask for a new one.',
}

/** The token from the link's fragment (/admin/verify#token=...): fragments never reach servers or logs. */
function tokenFromHash() {
  return new URLSearchParams(location.hash.slice(1)).get('token')
}

/** /admin/verify#token=...: spends the verification link once and says what happened. */
export function Verify() {
  const [state, setState] = useState<State>({ status: 'working' })

  useEffect(() => {
    const token = tokenFromHash()
    // Out of the address bar and the history: the link is single-use anyway.
    history.replaceState(null, '', '/admin/verify')
    if (!token) {
      setState({ status: 'failed', code: 'E_TOKEN_INVALID', message: MESSAGES.E_TOKEN_INVALID })
      return
    }
    api<{ published_merchants: string[] }>('/api/v1/auth/verify-email', { method: 'POST', body: { token } })
      .then((result) => setState({ status: 'verified', published: result.published_merchants }))
      .catch((failure) =>
        setState(
          failure instanceof ApiError
            ? { status: 'failed', code: failure.code, message: MESSAGES[failure.code] ?? failure.message }
            : { status: 'failed', code: 'E_NETWORK', message: 'Could not reach the server: reload this page to try again.' }
        )
      )
  }, [])

  return (
    <main className="login card">
      <h1>Email verification</h1>
      {state.status === 'working' && <p aria-busy="true">Checking your link…</p>}
      {state.status === 'verified' && (
        <div role="status">
          <p>Your email address is verified.</p>
          {state.published.map((slug) => (
            <p key={slug}>
              Your menu is live at <a href={`/m/${slug}`}>{location.origin}/m/{slug}</a>
            </p>
          ))}
        </div>
      )}
      {state.status === 'failed' && (
        <p className="error" role="alert" data-code={state.code}>
          {state.message}
        </p>
      )}
      <p>
        <a href="/admin">Go to the backoffice</a>
      </p>
    </main>
  )
}
