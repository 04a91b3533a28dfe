import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import '../shared/base.css'
import './admin.css'
import { Login } from './Login'
import { Shell } from './Shell'
import { SignUp } from './SignUp'
import { Verify } from './Verify'
import { SessionContext, loadSession, saveSession, type Session } from './session'
import { closeStaffSocket } from './staff_socket'

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } })

function App() {
  const [session, setSession] = useState<Session | null>(loadSession)
  const onSignedIn = (s: Session) => (saveSession(s), setSession(s))
  // Pages that need no session: the verification link, and sign-up.
  if (location.pathname.startsWith('/admin/verify')) return <Verify />
  if (!session) {
    if (location.pathname.startsWith('/admin/sign-up')) return <SignUp onSignedIn={onSignedIn} />
    return <Login onSignedIn={onSignedIn} />
  }
  const signOut = () => {
    saveSession(null)
    closeStaffSocket()
    queryClient.clear()
    setSession(null)
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
