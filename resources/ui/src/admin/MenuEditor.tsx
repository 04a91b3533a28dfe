import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { money } from '../shared/api'
import { useStaffApi } from './session'
import { useOptimistic } from './optimistic'
import { AddRow, useMenuWrite } from './MenuCreate'

type Option = { id: string; name: string; price_delta_minor: number }
type Group = { id: string; name: string; options: Option[] }
type Item = { id: string; name: string; price_minor: number; currency: string; sold_out: boolean; modifier_groups: Group[] }
type Category = { id: string; name: string; items: Item[] }
type Tree = { data: { categories: Category[] } }

const KEY = ['menu-tree']

function mapItem(tree: Tree, id: string, change: (item: Item) => Item): Tree {
  return { data: { categories: tree.data.categories.map((c) => ({ ...c, items: c.items.map((i) => (i.id === id ? change(i) : i)) })) } }
}

function moveItem(tree: Tree, categoryId: string, from: number, to: number): { tree: Tree; ids: string[] } {
  let ids: string[] = []
  const categories = tree.data.categories.map((c) => {
    if (c.id !== categoryId) return c
    const items = [...c.items]
    const [moved] = items.splice(from, 1)
    items.splice(to, 0, moved)
    ids = items.map((i) => i.id)
    return { ...c, items }
  })
  return { tree: { data: { categories } }, ids }
}

/** Categories and items: rename, price, sold out, reorder (drag or the arrow buttons), all optimistic. */
export function MenuEditor() {
  const staffApi = useStaffApi()
  const tree = useQuery({ queryKey: KEY, queryFn: () => staffApi<Tree>('/api/v1/menu') })
  const { edit, message, dismiss } = useOptimistic<Tree>(KEY)
  const { write, error } = useMenuWrite(KEY)
  const [dragging, setDragging] = useState<{ categoryId: string; index: number } | null>(null)

  const patchItem = (item: Item, body: Partial<Item>, what: string) =>
    edit({ what, send: () => staffApi(`/api/v1/menu/items/${item.id}`, { method: 'PATCH', body }), apply: (t) => mapItem(t, item.id, (i) => ({ ...i, ...body })) })

  const reorder = (category: Category, from: number, to: number) => {
    if (to < 0 || to >= category.items.length || from === to) return
    edit({
      what: 'The new order',
      apply: (t) => moveItem(t, category.id, from, to).tree,
      send: () => {
        const ids = moveItem({ data: { categories: [category] } }, category.id, from, to).ids
        return staffApi(`/api/v1/menu/categories/${category.id}/items/reorder`, { method: 'POST', body: { ids } })
      },
    })
  }

  return (
    <section aria-labelledby="menu-title">
      <h1 id="menu-title">Menu</h1>
      {message && (
        <div className="error" role="alert">
          {message} <button type="button" className="secondary" onClick={dismiss}>Dismiss</button>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <AddRow label="New category" onAdd={(name) => write({ path: '/categories', method: 'POST', body: { name } })} />
      {tree.data?.data.categories.map((category) => (
        <section key={category.id} className="card editor-category" aria-labelledby={`c-${category.id}`}>
          <h2 id={`c-${category.id}`}>{category.name}</h2>
          <ul className="editor-items">
            {category.items.map((item, index) => (
              <li
                key={item.id}
                draggable
                onDragStart={() => setDragging({ categoryId: category.id, index })}
                onDragOver={(e) => dragging?.categoryId === category.id && e.preventDefault()}
                onDrop={() => dragging && reorder(category, dragging.index, index)}
                data-item={item.name}
              >
                <span className="drag" aria-hidden="true">⋮⋮</span>
                <ItemName key={`n-${item.name}`} item={item} onSave={(name) => patchItem(item, { name }, `The name "${name}"`)} />
                <ItemPrice key={`p-${item.price_minor}`} item={item} onSave={(price_minor) => patchItem(item, { price_minor }, `The price ${money(price_minor, item.currency)}`)} />
                <label className="option">
                  <input
                    type="checkbox"
                    checked={item.sold_out}
                    onChange={(e) => {
                      const sold_out = e.target.checked
                      edit({
                        what: sold_out ? `${item.name} as sold out` : `${item.name} as available`,
                        send: () => staffApi(`/api/v1/menu/items/${item.id}/sold-out`, { method: 'PUT', body: { sold_out } }),
                        apply: (t) => mapItem(t, item.id, (i) => ({ ...i, sold_out })),
                      })
                    }}
                  />
                  Sold out
                </label>
                <span className="row">
                  <button type="button" className="secondary" aria-label={`Move ${item.name} up`} onClick={() => reorder(category, index, index - 1)}>↑</button>
                  <button type="button" className="secondary" aria-label={`Move ${item.name} down`} onClick={() => reorder(category, index, index + 1)}>↓</button>
                </span>
                <button
                  type="button"
                  className="secondary"
                  aria-label={`Delete ${item.name}`}
                  onClick={() => confirm(`Delete ${item.name}?`) && write({ path: `/items/${item.id}`, method: 'DELETE' })}
                >
                  Delete
                </button>
                {item.modifier_groups.map((group) => (
                  <div key={group.id} className="modifiers">
                    <span className="muted">{group.name}: {group.options.map((o) => o.name).join(', ')}</span>
                    <AddRow label={`Option for ${item.name} ${group.name}`} withPrice onAdd={(name, price_delta_minor) => write({ path: `/modifier-groups/${group.id}/options`, method: 'POST', body: { name, price_delta_minor } })} />
                  </div>
                ))}
                <AddRow label={`Option group for ${item.name}`} onAdd={(name) => write({ path: `/items/${item.id}/modifier-groups`, method: 'POST', body: { name, max_select: 1 } })} />
              </li>
            ))}
          </ul>
          <AddRow
            label={`New item in ${category.name}`}
            withPrice
            onAdd={(name, price_minor) => write({ path: '/items', method: 'POST', body: { category_id: category.id, name, price_minor, currency: category.items[0]?.currency ?? 'EUR' } })}
          />
        </section>
      ))}
    </section>
  )
}

function ItemName({ item, onSave }: { item: Item; onSave: (name: string) => void }) {
  const [value, setValue] = useState(item.name)
  return (
    <form className="inline" onSubmit={(e) => (e.preventDefault(), value.trim() && value !== item.name && onSave(value.trim()))}>
      <label className="sr-only" htmlFor={`name-${item.id}`}>Name of {item.name}</label>
      <input id={`name-${item.id}`} value={value} onChange={(e) => setValue(e.target.value)} onBlur={(e) => e.currentTarget.form?.requestSubmit()} />
    </form>
  )
}

function ItemPrice({ item, onSave }: { item: Item; onSave: (minor: number) => void }) {
  const [value, setValue] = useState((item.price_minor / 100).toFixed(2))
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault()
        const minor = Math.round(Number(value.replace(',', '.')) * 100)
        if (Number.isFinite(minor) && minor !== item.price_minor) onSave(minor)
      }}
    >
      <label className="sr-only" htmlFor={`price-${item.id}`}>Price of {item.name}</label>
      <input id={`price-${item.id}`} inputMode="decimal" className="price" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="secondary">Save price</button>
    </form>
  )
}
