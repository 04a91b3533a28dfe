import { useEffect, useRef, useState } from 'react'
import { money } from '../shared/api'
import { label, unitPrice, type CartLine, type Item, type Option } from './types'

/** An item with its modifier groups: one choice (radio) or several (checkboxes) within the group's bounds. */
export function ItemDetail(props: { item: Item; canOrder: boolean; onAdd: (line: CartLine) => void; onClose: () => void }) {
  const { item } = props
  const [chosen, setChosen] = useState<Record<string, string[]>>({})
  const [quantity, setQuantity] = useState(1)
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => dialog.current?.showModal(), [])

  const options: Option[] = item.modifier_groups.flatMap((g) => g.options.filter((o) => chosen[g.id]?.includes(o.id)))
  const missing = item.modifier_groups.filter((g) => (chosen[g.id]?.length ?? 0) < Math.max(g.min_select, g.is_required ? 1 : 0))

  function pick(groupId: string, optionId: string, single: boolean) {
    setChosen((current) => {
      const list = current[groupId] ?? []
      if (single) return { ...current, [groupId]: [optionId] }
      return { ...current, [groupId]: list.includes(optionId) ? list.filter((id) => id !== optionId) : [...list, optionId] }
    })
  }

  return (
    <dialog ref={dialog} className="sheet" aria-labelledby="item-title" onClose={props.onClose}>
      <h2 id="item-title">{item.name}</h2>
      {item.description && <p className="muted">{item.description}</p>}
      {item.allergens.length > 0 && <p>Contains: {item.allergens.map(label).join(', ')}</p>}
      {item.modifier_groups.map((group) => {
        const single = group.max_select === 1
        return (
          <fieldset key={group.id}>
            <legend>
              {group.name} {group.is_required ? '(required)' : '(optional)'}
            </legend>
            {group.options.map((option) => (
              <label key={option.id} className="option">
                <input
                  type={single ? 'radio' : 'checkbox'}
                  name={group.id}
                  checked={chosen[group.id]?.includes(option.id) ?? false}
                  disabled={!single && !chosen[group.id]?.includes(option.id) && (chosen[group.id]?.length ?? 0) >= group.max_select}
                  onChange={() => pick(group.id, option.id, single)}
                />
                {option.name}
                {option.price_delta_minor ? ` +${money(option.price_delta_minor, item.currency)}` : ''}
              </label>
            ))}
          </fieldset>
        )
      })}
      <div className="row sheet-actions">
        <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
        {props.canOrder && (
          <>
            <label className="sr-only" htmlFor="qty">Quantity</label>
            <input id="qty" type="number" min={1} max={50} value={quantity} onChange={(e) => setQuantity(Math.max(1, Math.min(50, Number(e.target.value) || 1)))} style={{ width: '4.5rem' }} />
            <button
              type="button"
              disabled={missing.length > 0}
              onClick={() => props.onAdd({ key: `${item.id}:${options.map((o) => o.id).sort().join(',')}`, item, options, quantity })}
            >
              Add to cart · {money(unitPrice({ item, options }) * quantity, item.currency)}
            </button>
          </>
        )}
      </div>
      {props.canOrder && missing.length > 0 && <p className="muted">Choose: {missing.map((g) => g.name).join(', ')}</p>}
    </dialog>
  )
}
