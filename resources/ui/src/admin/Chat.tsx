import { useEffect, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { time } from '../shared/api'
import { useSession, useStaffApi } from './session'
import { staffSocket } from './staff_socket'

type Conversation = { id: string; customer_name: string | null; status: string; last_message_at: string | null }
type Message = { id: string; sender_type: string; body: string; created_at: string }

/** Conversations with customers. Staff sockets hear `chat:activity` for the merchant and refetch. */
export function Chat() {
  const { session } = useSession()
  const staffApi = useStaffApi()
  const client = useQueryClient()
  const [open, setOpen] = useState<string | null>(null)
  const [draft, setDraft] = useState('')
  const conversations = useQuery({ queryKey: ['conversations'], queryFn: () => staffApi<{ data: Conversation[] }>('/api/v1/notifications/conversations') })
  const messages = useQuery({
    queryKey: ['messages', open],
    enabled: Boolean(open),
    queryFn: () => staffApi<{ data: Message[] }>(`/api/v1/notifications/conversations/${open}/messages`),
  })

  useEffect(() => {
    const socket = staffSocket(session.token)
    const onActivity = ({ conversation_id: conversationId }: { conversation_id: string }) => {
      client.invalidateQueries({ queryKey: ['conversations'] })
      client.invalidateQueries({ queryKey: ['messages', conversationId] })
    }
    socket.on('chat:activity', onActivity)
    return () => {
      socket.off('chat:activity', onActivity)
    }
  }, [session.token, client])

  const send = useMutation({
    mutationFn: (body: string) => staffApi(`/api/v1/notifications/conversations/${open}/messages`, { method: 'POST', body: { body } }),
    onSuccess: () => {
      setDraft('')
      client.invalidateQueries({ queryKey: ['messages', open] })
    },
  })

  const thread = [...(messages.data?.data ?? [])].sort((a, b) => a.created_at.localeCompare(b.created_at))
  return (
    <section aria-labelledby="chat-title" className="chat">
      <h1 id="chat-title">Chat</h1>
      <div className="grid-2">
        <ul className="conversations card">
          {(conversations.data?.data ?? []).map((c) => (
            <li key={c.id}>
              <button type="button" className={open === c.id ? '' : 'secondary'} onClick={() => setOpen(c.id)}>
                {c.customer_name ?? 'Customer'} <span>{time(c.last_message_at)}</span>
              </button>
            </li>
          ))}
          {conversations.data?.data.length === 0 && <li className="muted">No conversations yet.</li>}
        </ul>
        {open && (
          <div className="card">
            <ol className="thread" aria-live="polite">
              {thread.map((m) => (
                <li key={m.id} className={m.sender_type === 'staff' ? 'mine' : ''}>
                  {m.body} <span className="muted">{time(m.created_at)}</span>
                </li>
              ))}
            </ol>
            <form onSubmit={(e) => (e.preventDefault(), draft.trim() && send.mutate(draft.trim()))} className="row">
              <label htmlFor="reply" className="sr-only">Reply</label>
              <input id="reply" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={4000} style={{ flex: 1 }} />
              <button type="submit" disabled={send.isPending}>Send</button>
            </form>
          </div>
        )}
      </div>
    </section>
  )
}
