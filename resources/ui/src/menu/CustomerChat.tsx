import { useEffect, useRef, useState } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { io } from 'socket.io-client'
import { api, ApiError, time } from '../shared/api'

type Message = { id: string; sender_type: string; body: string; created_at: string }
type Stored = { id: string; token: string }

/**
 * Chat with the shop: a conversation is started once per phone and merchant; its token opens
 * the conversation's socket room, where staff replies arrive live.
 */
export function CustomerChat({ slug, onClose }: { slug: string; onClose: () => void }) {
  const key = `gudbro.chat.${slug}`
  const base = `/api/v1/notifications/m/${encodeURIComponent(slug)}/conversations`
  const [conversation, setConversation] = useState<Stored | null>(() => JSON.parse(localStorage.getItem(key) ?? 'null'))
  const [name, setName] = useState(localStorage.getItem('gudbro.name') ?? '')
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | null>(null)
  const dialog = useRef<HTMLDialogElement>(null)
  const client = useQueryClient()
  const queryKey = ['chat', conversation?.id]
  useEffect(() => dialog.current?.showModal(), [])

  const messages = useQuery({
    queryKey,
    enabled: Boolean(conversation),
    queryFn: () => api<{ data: Message[] }>(`${base}/${conversation!.id}/messages`, { headers: { 'X-Conversation-Token': conversation!.token } }),
  })

  useEffect(() => {
    if (!conversation) return
    const socket = io({ auth: { conversation_token: conversation.token }, transports: ['websocket'] })
    socket.on('chat:message', (message: Message) =>
      client.setQueryData<{ data: Message[] }>(queryKey, (old) => ({ data: [...(old?.data ?? []).filter((m) => m.id !== message.id), message] }))
    )
    socket.on('connect', () => client.invalidateQueries({ queryKey }))
    return () => {
      socket.close()
    }
  }, [conversation?.id])

  async function send(event: React.FormEvent) {
    event.preventDefault()
    setError(null)
    try {
      let current = conversation
      if (!current) {
        const started = await api<{ data: { id: string }; token: string }>(base, { method: 'POST', body: { name } })
        current = { id: started.data.id, token: started.token }
        localStorage.setItem(key, JSON.stringify(current))
        setConversation(current)
      }
      const posted = await api<{ data: Message }>(`${base}/${current.id}/messages`, {
        method: 'POST',
        headers: { 'X-Conversation-Token': current.token },
        body: { body: draft },
      })
      client.setQueryData<{ data: Message[] }>(['chat', current.id], (old) => ({ data: [...(old?.data ?? []).filter((m) => m.id !== posted.data.id), posted.data] }))
      // A history read started before this post (the new conversation's first load) must not win.
      client.invalidateQueries({ queryKey: ['chat', current.id] })
      setDraft('')
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Not sent: check your connection')
    }
  }

  const thread = [...(messages.data?.data ?? [])].sort((a, b) => a.created_at.localeCompare(b.created_at))
  return (
    <dialog ref={dialog} className="sheet" aria-labelledby="chat-title" onClose={onClose}>
      <h2 id="chat-title">Chat with the shop</h2>
      <ol className="thread" aria-live="polite">
        {thread.map((m) => (
          <li key={m.id} className={m.sender_type === 'customer' ? 'mine' : ''}>
            {m.body} <span className="muted">{time(m.created_at)}</span>
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        {!conversation && (
          <>
            <label htmlFor="chat-name">Your name</label>
            <input id="chat-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </>
        )}
        <label htmlFor="chat-message">Message</label>
        <textarea id="chat-message" required maxLength={4000} rows={2} value={draft} onChange={(e) => setDraft(e.target.value)} style={{ width: '100%' }} />
        {error && <p className="error" role="alert">{error}</p>}
        <div className="row sheet-actions">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>Close</button>
          <button type="submit">Send</button>
        </div>
      </form>
    </dialog>
  )
}
