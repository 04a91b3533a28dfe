import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import '../shared/base.css'
import './admin.css'
import { Login } from './Login'
import { AcceptInvitation } from './AcceptInvitation'
import { Shell } from './Shell'
import { SessionContext, loadSession, saveSession, type Session } from './session'
import { closeStaffSocket, onAccessLost } from './staff_socket'

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } })

function App() {
  const [session, setSession] = useState<Session | null>(loadSession)
  const [accepting, setAccepting] = useState(() => location.pathname.startsWith('/admin/accept-invitation'))
  const signOut = () => {
    saveSession(null)
    closeStaffSocket()
    queryClient.clear()
    setSession(null)
  }
  // Removed from the team (or signed out elsewhere): the open board stops at once.
  useEffect(() => onAccessLost(signOut))
  if (accepting) {
    return <AcceptInvitation onSignedIn={(s) => (saveSession(s), setSession(s), setAccepting(false))} />
  }
  if (!session) {
    return <Login onSignedIn={(s) => (saveSession(s), setSession(s))} />
  }
  return (
    <SessionContext.Provider value={{ session, signOut }}>
      <Shell />
    </SessionContext.Provider>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>
)
