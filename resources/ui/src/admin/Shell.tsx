import { lazy, Suspense, useEffect, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { setShopTimeZone } from '../shared/api'
import { useSession, useStaffApi } from './session'
import { KitchenBoard } from './KitchenBoard'
import { OnboardingCard } from './OnboardingCard'

// The kitchen board is the first screen; the rest loads when opened (the chart library only with analytics).
const MenuEditor = lazy(() => import('./MenuEditor').then((m) => ({ default: m.MenuEditor })))
const Analytics = lazy(() => import('./Analytics').then((m) => ({ default: m.Analytics })))
const Chat = lazy(() => import('./Chat').then((m) => ({ default: m.Chat })))
const Settings = lazy(() => import('./Settings').then((m) => ({ default: m.Settings })))
const Team = lazy(() => import('./Team').then((m) => ({ default: m.Team })))
const Security = lazy(() => import('./Security').then((m) => ({ default: m.Security })))

const SECTIONS = [
  { path: 'kitchen', title: 'Kitchen', module: 'orders' },
  { path: 'menu', title: 'Menu', module: 'menu' },
  { path: 'analytics', title: 'Analytics', module: 'analytics' },
  { path: 'chat', title: 'Chat', module: 'notifications' },
  { path: 'team', title: 'Team', module: null },
  { path: 'settings', title: 'Settings', module: null },
  { path: 'security', title: 'Security', module: null },
] as const

type Section = (typeof SECTIONS)[number]['path']

const sectionOf = (): Section => (SECTIONS.find((s) => location.pathname.startsWith(`/admin/${s.path}`))?.path ?? 'kitchen') as Section

export function Shell() {
  const { session, signOut } = useSession()
  const staffApi = useStaffApi()
  const [section, setSection] = useState<Section>(sectionOf)
  const modules = useQuery({ queryKey: ['modules'], queryFn: () => staffApi<{ data: Array<{ module: string; enabled: boolean; source: string; depends_on: string[]; reason: string | null }> }>('/api/v1/tenancy/modules') })
  // The signed-in merchant's clock for pickup times (the staff token names the merchant).
  const merchant = useQuery({
    queryKey: ['merchant'],
    queryFn: async () => {
      const profile = await staffApi<{ data: { timezone: string } }>('/api/v1/tenancy/merchant')
      setShopTimeZone(profile.data.timezone)
      return profile
    },
  })
  const enabled = new Set((modules.data?.data ?? []).filter((m) => m.enabled).map((m) => m.module))
  const visible = SECTIONS.filter((s) => s.module === null || enabled.has(s.module))
  const current = modules.data && !visible.some((s) => s.path === section) ? visible[0].path : section

  useEffect(() => {
    const onPop = () => setSection(sectionOf())
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])

  return (
    <div className="admin">
      <header className="topbar">
        <strong>GUDBRO</strong>
        <nav aria-label="Sections">
          {visible.map((s) => (
            <a
              key={s.path}
              href={`/admin/${s.path}`}
              aria-current={current === s.path ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault()
                history.pushState(null, '', `/admin/${s.path}`)
                setSection(s.path)
              }}
            >
              {s.title}
            </a>
          ))}
        </nav>
        <span className="muted who">{session.email}</span>
        <button type="button" className="secondary" onClick={signOut}>Sign out</button>
      </header>
      <main className="content">
        {!modules.data || !merchant.data ? (
          <p aria-busy="true">Loading…</p>
        ) : (
          <Suspense fallback={<p aria-busy="true">Loading…</p>}>
            {current === visible[0]?.path && <OnboardingCard />}
            {current === 'kitchen' && <KitchenBoard />}
            {current === 'menu' && <MenuEditor />}
            {current === 'analytics' && <Analytics briefings={enabled.has('ai_briefings')} />}
            {current === 'chat' && <Chat />}
            {current === 'team' && <Team />}
            {current === 'settings' && <Settings modules={modules.data.data} />}
            {current === 'security' && <Security />}
          </Suspense>
        )}
      </main>
    </div>
  )
}
