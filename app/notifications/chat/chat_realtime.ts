import { realtime } from '#core/realtime/realtime'
import type { SocketIdentity } from '#core/realtime/types'
import { ForbiddenException } from '#core/exceptions/http_errors'
import { isUuid } from '#core/database/uuid'
import { runJobInTenant } from '#tenancy/index'
import { chatService } from '#notifications/chat/chat_service'
import { socketMessageValidator } from '#notifications/chat/chat_validators'

/** May this identity use this conversation? Staff: any of their merchant's; a customer: their own. */
async function mayUse(identity: SocketIdentity, conversationId: string) {
  if (!isUuid(conversationId)) return false
  if (identity.kind === 'conversation') return identity.subject === conversationId
  if (identity.kind !== 'staff') return false
  return chatService.find(conversationId).then(
    () => true,
    () => false
  )
}

export function registerChatRealtime() {
  // A customer's socket: { conversation_token } -> the conversation's room only (while the merchant has this module).
  realtime.registerAuthenticator('conversation', async (credentials) => {
    const token = credentials.conversation_token
    if (typeof token !== 'string') return null
    const merchantId = token.split('.', 1)[0]
    if (!isUuid(merchantId)) return null
    const conversation = await runJobInTenant({ merchantId }, () =>
      chatService.byToken(token)
    ).catch(() => null)
    if (!conversation || conversation.status !== 'open') return null
    return {
      kind: 'conversation',
      merchantId,
      subject: conversation.id,
      rooms: [`conversation:${conversation.id}`],
      module: 'notifications',
    }
  })

  realtime.registerRoomAuthorizer('conversation', (identity, room) =>
    mayUse(identity, room.slice('conversation:'.length))
  )

  realtime.on('chat:send', async ({ identity }, payload) => {
    const input = await socketMessageValidator.validate(payload)
    if (!(await mayUse(identity, input.conversationId)))
      throw new ForbiddenException('Not your conversation')
    const sender =
      identity.kind === 'staff'
        ? { type: 'staff' as const, id: identity.subject }
        : { type: 'customer' as const, id: null }
    return chatService.post(input.conversationId, sender, input.body)
  })
}
