import { useMemo, useState } from 'react'
import { api, ApiError } from '../shared/api'
import type { Session } from './session'

const VERTICALS = [
  { value: 'coffeeshop', label: 'Coffee shop' },
  { value: 'wellness', label: 'Wellness center' },
  { value: 'rentals', label: 'Rentals' },
] as const

/** A slug from a shop name: lower case, ASCII letters and digits, dashes between words. */
function slugFrom(name: string) {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
}

function zones(): string[] {
  try {
    return (Intl as any).supportedValuesOf('timeZone') as string[]
  } catch {
    return ['UTC']
  }
}

/** /admin/sign-up: a new shop and its owner's account; signed in at once, the menu goes live once the email is verified. */
export function SignUp({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [fullName, setFullName] = useState('')
  const [name, setName] = useState('')
  const [slug, setSlug] = useState('')
  const [slugEdited, setSlugEdited] = useState(false)
  const [vertical, setVertical] = useState('coffeeshop')
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC')
  const [error, setError] = useState<{ message: string; field?: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const allZones = useMemo(zones, [])
  const shownSlug = slugEdited ? slug : slugFrom(name)

  async function submit(event: React.FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api<{ token: string }>('/api/v1/auth/sign-up', {
        method: 'POST',
        body: { email, password, full_name: fullName, merchant: { name, slug: shownSlug, vertical, timezone } },
      })
      history.replaceState(null, '', '/admin')
      onSignedIn({ token: result.token, email })
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'E_EMAIL_TAKEN')
        setError({ message: 'This email already has an account: sign in instead, or reset your password.' })
      else setError({ message: failure instanceof ApiError ? failure.message : 'Could not reach the server' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login card">
      <h1>Sign up your shop</h1>
      <form onSubmit={submit}>
        <label htmlFor="full_name">Your name</label>
        <input id="full_name" autoComplete="name" required value={fullName} onChange={(e) => setFullName(e.target.value)} />
        <label htmlFor="email">Email</label>
        <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password (at least 10 characters)</label>
        <input id="password" type="password" autoComplete="new-password" minLength={10} required value={password} onChange={(e) => setPassword(e.target.value)} />
        <label htmlFor="shop_name">Shop name</label>
        <input id="shop_name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="slug">Web address</label>
        <input
          id="slug"
          required
          pattern="[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?"
          value={shownSlug}
          onChange={(e) => (setSlugEdited(true), setSlug(e.target.value.toLowerCase()))}
          aria-describedby="slug_hint"
        />
        <p id="slug_hint" className="muted">Your menu will be at {location.origin}/m/{shownSlug || '…'}</p>
        <label htmlFor="vertical">Kind of business</label>
        <select id="vertical" value={vertical} onChange={(e) => setVertical(e.target.value)}>
          {VERTICALS.map((v) => (
            <option key={v.value} value={v.value}>{v.label}</option>
          ))}
        </select>
        <label htmlFor="timezone">Time zone</label>
        <select id="timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
          {(allZones.includes(timezone) ? allZones : [timezone, ...allZones]).map((zone) => (
            <option key={zone} value={zone}>{zone}</option>
          ))}
        </select>
        {error && <p className="error" role="alert">{error.message}</p>}
        <p>
          <button type="submit" disabled={busy}>{busy ? 'Creating your shop…' : 'Create my shop'}</button>
        </p>
        <p className="muted">
          Already have an account? <a href="/admin">Sign in</a>
        </p>
      </form>
    </main>
  )
}
