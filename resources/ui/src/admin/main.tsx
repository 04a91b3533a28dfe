import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import '../shared/base.css'
import './admin.css'
import { Login } from './Login'
import { AcceptInvitation } from './AcceptInvitation'
import { ForgotPassword } from './ForgotPassword'
import { ResetPassword } from './ResetPassword'
import { Shell } from './Shell'
import { SignUp } from './SignUp'
import { Verify } from './Verify'
import { SessionContext, loadSession, saveSession, type Session } from './session'
import { closeStaffSocket, onAccessLost } from './staff_socket'

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } })

function App() {
  const [session, setSession] = useState<Session | null>(loadSession)
  const [path, setPath] = useState(location.pathname)
  const signOut = () => {
    saveSession(null)
    closeStaffSocket()
    queryClient.clear()
    setSession(null)
  }
  const signIn = (next: Session) => (saveSession(next), setSession(next))
  const goTo = (next: string) => (history.replaceState(null, '', next), setPath(next))
  // Removed from the team (or signed out elsewhere): the open board stops at once.
  useEffect(() => onAccessLost(signOut))
  // A reset link works signed in or not; a reset signs every device out, this one included.
  if (path.startsWith('/admin/reset-password')) {
    return <ResetPassword onDone={() => (signOut(), goTo('/admin'))} />
  }
  if (path.startsWith('/admin/accept-invitation')) {
    return <AcceptInvitation onSignedIn={(s) => (signIn(s), goTo('/admin'))} />
  }
  // The verification link works signed in or not.
  if (path.startsWith('/admin/verify')) return <Verify />
  if (!session && path.startsWith('/admin/forgot-password')) return <ForgotPassword />
  if (!session && path.startsWith('/admin/sign-up')) return <SignUp onSignedIn={signIn} />
  if (!session) return <Login onSignedIn={signIn} />
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
