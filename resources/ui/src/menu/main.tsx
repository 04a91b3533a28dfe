import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import '../shared/base.css'
import './menu.css'
import { MenuApp } from './MenuApp'

const slug = decodeURIComponent(location.pathname.split('/')[2] ?? '')

// The manifest is per merchant (its name, its start URL).
const manifest = document.createElement('link')
manifest.rel = 'manifest'
manifest.href = `/m/${encodeURIComponent(slug)}/manifest.webmanifest`
document.head.appendChild(manifest)

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined)
}

// Offline, the last menu comes from the service worker's cache: keep showing it rather than retrying.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 30_000, networkMode: 'offlineFirst' } } })

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <MenuApp slug={slug} />
    </QueryClientProvider>
  </StrictMode>
)
