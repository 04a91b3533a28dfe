import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { api, setShopTimeZone } from '../shared/api'
import { createTracker } from './analytics'
import { MenuBrowser } from './MenuBrowser'
import { ItemDetail } from './ItemDetail'
import { Cart } from './Cart'
import type { CartLine, Item } from './types'

// The order page brings socket.io-client: browsing the menu does not pay for it.
const OrderStatus = lazy(() => import('./OrderStatus').then((m) => ({ default: m.OrderStatus })))
const CustomerChat = lazy(() => import('./CustomerChat').then((m) => ({ default: m.CustomerChat })))

type Route = { page: 'menu' } | { page: 'order'; orderId: string }

function routeOf(pathname: string): Route {
  const match = pathname.match(/^\/m\/[^/]+\/orders\/([0-9a-f-]{36})$/i)
  return match ? { page: 'order', orderId: match[1] } : { page: 'menu' }
}

export function MenuApp({ slug }: { slug: string }) {
  const [route, setRoute] = useState<Route>(() => routeOf(location.pathname))
  const [selected, setSelected] = useState<Item | null>(null)
  const [cart, setCart] = useState<CartLine[]>([])
  const [cartOpen, setCartOpen] = useState(false)
  const [chatOpen, setChatOpen] = useState(false)
  const tracker = useMemo(() => createTracker(slug), [slug])

  useEffect(() => {
    const onPop = () => setRoute(routeOf(location.pathname))
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])
  useEffect(() => tracker.track('menu_view', { locale: navigator.language.slice(0, 16) }), [tracker])

  const merchant = useQuery({
    queryKey: ['merchant', slug],
    queryFn: async () => {
      const profile = await api<{ data: { name: string; modules: string[]; timezone: string } }>('/api/v1/tenancy/merchant', { headers: { 'X-Merchant': slug } })
      setShopTimeZone(profile.data.timezone)
      return profile
    },
  })
  const canOrder = merchant.data?.data.modules.includes('orders') ?? false
  const canChat = merchant.data?.data.modules.includes('notifications') ?? false

  function go(path: string) {
    history.pushState(null, '', path)
    setRoute(routeOf(path))
    scrollTo(0, 0)
  }

  function add(line: CartLine) {
    setCart((lines) => {
      const same = lines.find((l) => l.key === line.key)
      return same ? lines.map((l) => (l === same ? { ...l, quantity: l.quantity + line.quantity } : l)) : [...lines, line]
    })
    tracker.track('add_to_cart', { item_id: line.item.id, name: line.item.name, quantity: line.quantity })
    setSelected(null)
  }

  const count = cart.reduce((sum, line) => sum + line.quantity, 0)
  return (
    <div className="menu-app">
      <header className="menu-header">
        <a href={`/m/${slug}`} onClick={(e) => (e.preventDefault(), go(`/m/${slug}`))}>
          <h1>{merchant.data?.data.name ?? 'Menu'}</h1>
        </a>
        {canChat && (
          <button type="button" className="secondary chat-button" onClick={() => setChatOpen(true)}>
            Chat with us
          </button>
        )}
        {!navigator.onLine && <p className="muted">Offline: showing the last menu you loaded.</p>}
      </header>
      <main>
        {route.page === 'order' ? (
          <Suspense fallback={<p aria-busy="true">Loading your order…</p>}>
            <OrderStatus slug={slug} orderId={route.orderId} />
          </Suspense>
        ) : (
          <MenuBrowser slug={slug} tracker={tracker} canOrder={canOrder} onOpen={(item) => {
            tracker.track('item_click', { item_id: item.id, name: item.name })
            setSelected(item)
          }} />
        )}
      </main>
      {chatOpen && (
        <Suspense fallback={null}>
          <CustomerChat slug={slug} onClose={() => setChatOpen(false)} />
        </Suspense>
      )}
      {selected && <ItemDetail item={selected} canOrder={canOrder} onAdd={add} onClose={() => setSelected(null)} />}
      {canOrder && route.page === 'menu' && count > 0 && !cartOpen && (
        <button className="cart-bar" onClick={() => setCartOpen(true)}>
          View cart ({count})
        </button>
      )}
      {cartOpen && (
        <Cart
          slug={slug}
          lines={cart}
          tracker={tracker}
          onChange={setCart}
          onClose={() => setCartOpen(false)}
          onPlaced={(orderId) => {
            setCart([])
            setCartOpen(false)
            go(`/m/${slug}/orders/${orderId}`)
          }}
        />
      )}
    </div>
  )
}
