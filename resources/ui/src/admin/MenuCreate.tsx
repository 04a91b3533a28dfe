import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../shared/api'
import { useStaffApi } from './session'

/** Writes that add or remove rows: sent, then the tree is refetched; a refusal is shown next to the form. */
export function useMenuWrite(queryKey: readonly unknown[]) {
  const staffApi = useStaffApi()
  const client = useQueryClient()
  const [error, setError] = useState<string | null>(null)
  const mutation = useMutation({
    mutationFn: ({ path, method, body }: { path: string; method: string; body?: unknown }) => staffApi(`/api/v1/menu${path}`, { method, body }),
    onMutate: () => setError(null),
    onError: (failure) => setError(failure instanceof ApiError ? failure.message : 'The server could not be reached'),
    onSettled: () => client.invalidateQueries({ queryKey }),
  })
  return { write: mutation.mutateAsync, busy: mutation.isPending, error }
}

function euros(value: string) {
  const minor = Math.round(Number(value.replace(',', '.')) * 100)
  return Number.isFinite(minor) ? minor : NaN
}

/** One-line "name (+ price)" form used for categories, items and modifier options. */
export function AddRow(props: { label: string; withPrice?: boolean; onAdd: (name: string, priceMinor: number) => Promise<unknown> }) {
  const [name, setName] = useState('')
  const [price, setPrice] = useState('')
  const id = props.label.toLowerCase().replace(/\W+/g, '-')
  return (
    <form
      className="row add-row"
      onSubmit={async (e) => {
        e.preventDefault()
        if (!name.trim()) return
        await props.onAdd(name.trim(), props.withPrice ? euros(price || '0') : 0).then(() => (setName(''), setPrice('')), () => undefined)
      }}
    >
      <label className="sr-only" htmlFor={`${id}-name`}>{props.label} name</label>
      <input id={`${id}-name`} placeholder={props.label} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      {props.withPrice && (
        <>
          <label className="sr-only" htmlFor={`${id}-price`}>{props.label} price</label>
          <input id={`${id}-price`} className="price" inputMode="decimal" placeholder="0.00" value={price} onChange={(e) => setPrice(e.target.value)} />
        </>
      )}
      <button type="submit" className="secondary">Add</button>
    </form>
  )
}
