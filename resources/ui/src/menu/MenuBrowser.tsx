import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { api, money } from '../shared/api'
import type { Tracker } from './analytics'
import { ALLERGENS, DIETARY, label, type Category, type Item } from './types'

function toggle(list: string[], code: string) {
  return list.includes(code) ? list.filter((c) => c !== code) : [...list, code]
}

/** Categories as tabs, dietary and allergen filters (applied by the API), items as cards. */
export function MenuBrowser(props: { slug: string; tracker: Tracker; canOrder: boolean; onOpen: (item: Item) => void }) {
  const [dietary, setDietary] = useState<string[]>([])
  const [without, setWithout] = useState<string[]>([])
  const [active, setActive] = useState<string | null>(null)
  const params = new URLSearchParams()
  if (dietary.length) params.set('dietary', dietary.join(','))
  if (without.length) params.set('exclude_allergens', without.join(','))
  const query = params.toString()
  const menu = useQuery({
    queryKey: ['menu', props.slug, query],
    queryFn: () => api<{ data: { categories: Category[] } }>(`/api/v1/menus/${encodeURIComponent(props.slug)}${query ? `?${query}` : ''}`),
    placeholderData: (previous) => previous,
  })
  const categories = menu.data?.data.categories ?? []
  const shown = categories.find((c) => c.id === active) ?? categories[0]

  return (
    <>
      <details className="filters">
        <summary>Filters{dietary.length + without.length ? ` (${dietary.length + without.length})` : ''}</summary>
        <fieldset>
          <legend>Only show</legend>
          <div className="row">
            {DIETARY.map((code) => (
              <button key={code} type="button" className="chip" aria-pressed={dietary.includes(code)} onClick={() => setDietary(toggle(dietary, code))}>
                {label(code)}
              </button>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Without allergen</legend>
          <div className="row">
            {ALLERGENS.map((code) => (
              <button key={code} type="button" className="chip" aria-pressed={without.includes(code)} onClick={() => setWithout(toggle(without, code))}>
                no {label(code)}
              </button>
            ))}
          </div>
        </fieldset>
      </details>
      {menu.isError && !menu.data && <p className="error" role="alert">The menu could not be loaded. Check your connection.</p>}
      {!props.canOrder && categories.length > 0 && <p className="muted">Browse the menu here; order at the counter.</p>}
      <nav className="tabs" aria-label="Categories">
        {categories.map((category) => (
          <button
            key={category.id}
            type="button"
            className="chip"
            aria-pressed={shown?.id === category.id}
            onClick={() => {
              setActive(category.id)
              props.tracker.track('category_view', { category_id: category.id, name: category.name })
            }}
          >
            {category.name}
          </button>
        ))}
      </nav>
      {menu.data && categories.length === 0 && <p className="muted">Nothing matches these filters.</p>}
      {shown && (
        <section aria-labelledby={`cat-${shown.id}`}>
          <h2 id={`cat-${shown.id}`}>{shown.name}</h2>
          <ul className="items">
            {shown.items.map((item) => (
              <li key={item.id}>
                <button type="button" className="item-card" onClick={() => props.onOpen(item)} disabled={item.sold_out}>
                  <span className="item-name">{item.name}</span>
                  <span className="item-price">{item.sold_out ? 'Sold out' : money(item.price_minor, item.currency)}</span>
                  {item.description && <span className="muted item-desc">{item.description}</span>}
                  {item.dietary_flags.length > 0 && <span className="tags">{item.dietary_flags.map(label).join(' · ')}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}
