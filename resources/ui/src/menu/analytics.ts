/**
 * Menu analytics, sent in batches: events queue in memory and leave every 5 s, at 20 events, or when
 * the page is hidden (sendBeacon, on the slug path because a beacon cannot set X-Merchant).
 */
type Event = { type: string; session_id: string; occurred_at: string; data?: Record<string, unknown> }

const FLUSH_MS = 5000
const FLUSH_AT = 20

function sessionId() {
  const key = 'gudbro.session'
  let id = sessionStorage.getItem(key)
  if (!id) {
    id = crypto.randomUUID()
    sessionStorage.setItem(key, id)
  }
  return id
}

export function createTracker(slug: string) {
  let queue: Event[] = []
  const url = `/api/v1/analytics/m/${encodeURIComponent(slug)}/events`

  function flush(beacon = false) {
    if (queue.length === 0) return
    const events = queue
    queue = []
    const body = JSON.stringify({ events })
    if (beacon && navigator.sendBeacon?.(url, new Blob([body], { type: 'application/json' }))) return
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, keepalive: true }).catch(() => {
      // Offline: keep the events for the next flush (the API accepts them up to a day late).
      queue = [...events, ...queue].slice(-200)
    })
  }

  setInterval(() => flush(), FLUSH_MS)
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush(true))

  return {
    track(type: string, data?: Record<string, unknown>) {
      queue.push({ type, session_id: sessionId(), occurred_at: new Date().toISOString(), ...(data ? { data } : {}) })
      if (queue.length >= FLUSH_AT) flush()
    },
    flush,
  }
}

export type Tracker = ReturnType<typeof createTracker>
