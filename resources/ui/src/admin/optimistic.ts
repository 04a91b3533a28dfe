import { useState } from 'react'
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query'
import { ApiError } from '../shared/api'

/**
 * An edit shown at once and sent in the background: the cache is patched before the
 * request; if the server refuses, the snapshot comes back and the reason is shown.
 */
export function useOptimistic<T>(queryKey: QueryKey) {
  const client = useQueryClient()
  const [message, setMessage] = useState<string | null>(null)
  const mutation = useMutation({
    mutationFn: (edit: { send: () => Promise<unknown>; apply: (data: T) => T; what: string }) => edit.send(),
    onMutate: async (edit) => {
      setMessage(null)
      await client.cancelQueries({ queryKey })
      const before = client.getQueryData<T>(queryKey)
      if (before !== undefined) client.setQueryData<T>(queryKey, edit.apply(before))
      return { before }
    },
    onError: (failure, edit, context) => {
      if (context?.before !== undefined) client.setQueryData(queryKey, context.before)
      const reason = failure instanceof ApiError ? failure.message : 'the server could not be reached'
      setMessage(`${edit.what} was not saved and has been undone: ${reason}`)
    },
    onSettled: () => client.invalidateQueries({ queryKey }),
  })
  return { edit: mutation.mutate, message, dismiss: () => setMessage(null) }
}
