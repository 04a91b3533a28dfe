import { createHash, randomBytes } from 'node:crypto'
import { realtime } from '#core/realtime/realtime'
import { NotFoundException } from '#core/exceptions/http_errors'
import { isUuid } from '#core/database/uuid'
import { requireTenant, shardRouter, tenantDb } from '#tenancy/index'

export type Sender = { type: 'customer' | 'staff'; id: string | null }

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** A conversations row. */
type ConversationRow = {
  id: string
  merchant_id: string
  customer_name: string
  customer_email: string | null
  customer_user_id: string | null
  status: 'open' | 'closed'
  last_message_at: Date | null
  created_at: Date
}

/** A messages row. */
type MessageRow = {
  id: string
  conversation_id: string
  sender_type: Sender['type']
  sender_id: string | null
  body: string
  created_at: Date
}

export function presentMessage(row: MessageRow) {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    senderType: row.sender_type,
    senderId: row.sender_id,
    body: row.body,
    createdAt: row.created_at.toISOString(),
  }
}

function presentConversation(row: ConversationRow) {
  return {
    id: row.id,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    status: row.status,
    lastMessageAt: row.last_message_at,
    createdAt: row.created_at,
  }
}

/**
 * Chat between a customer and a merchant. Customers hold a token "<merchantId>.<secret>" (the merchant
 * part routes the lookup to the right shard; only a hash of the whole token is stored). Messages are
 * persisted first, then broadcast to the `conversation:<id>` room.
 */
export class ChatService {
  async start(input: {
    customerName: string
    customerEmail?: string | null
    customerUserId?: string | null
  }) {
    const tenant = requireTenant()
    const token = `${tenant.merchantId}.${randomBytes(32).toString('base64url')}`
    const [row]: ConversationRow[] = await tenantDb('write')
      .table('conversations')
      .insert({
        merchant_id: tenant.merchantId,
        shard_id: tenant.shardId,
        customer_name: input.customerName,
        customer_email: input.customerEmail ?? null,
        customer_user_id: input.customerUserId ?? null,
        token_hash: hashToken(token),
      })
      .returning('*')
    return { conversation: presentConversation(row), token }
  }

  /** The conversation a customer token opens (in the current merchant), or null. */
  async byToken(token: string) {
    if (typeof token !== 'string' || token.length > 200) return null
    const row: ConversationRow | null = await tenantDb()
      .from('conversations')
      .where({ merchant_id: requireTenant().merchantId, token_hash: hashToken(token) })
      .first()
    return row ? presentConversation(row) : null
  }

  async find(id: string) {
    const row: ConversationRow | null = await tenantDb()
      .from('conversations')
      .where({ id, merchant_id: requireTenant().merchantId })
      .first()
    if (!row) throw new NotFoundException('Conversation not found')
    return presentConversation(row)
  }

  async list(limit = 50) {
    const rows: ConversationRow[] = await tenantDb()
      .from('conversations')
      .where('merchant_id', requireTenant().merchantId)
      .orderByRaw('last_message_at DESC NULLS LAST')
      .limit(limit)
    return rows.map(presentConversation)
  }

  async post(conversationId: string, sender: Sender, body: string) {
    const merchantId = requireTenant().merchantId
    const message = await shardRouter.transaction(async (trx) => {
      const updated = await trx
        .from('conversations')
        .where({ id: conversationId, merchant_id: merchantId, status: 'open' })
        .update({ last_message_at: new Date(), updated_at: new Date() })
      if (!Number(Array.isArray(updated) ? updated[0] : updated))
        throw new NotFoundException('Conversation not found')
      const [row]: MessageRow[] = await trx
        .table('messages')
        .insert({
          merchant_id: merchantId,
          shard_id: requireTenant().shardId,
          conversation_id: conversationId,
          sender_type: sender.type,
          sender_id: sender.id,
          body,
        })
        .returning('*')
      return presentMessage(row)
    })
    realtime.broadcastToRoom(`conversation:${conversationId}`, 'chat:message', message)
    realtime.broadcastToMerchant(merchantId, 'chat:activity', {
      conversationId,
      messageId: message.id,
    })
    return message
  }

  /** Newest first; `cursor` is the `nextCursor` of the previous page. */
  async history(conversationId: string, options: { cursor?: string; limit?: number }) {
    await this.find(conversationId)
    const limit = options.limit ?? 50
    const query = tenantDb()
      .from('messages')
      .where({ conversation_id: conversationId, merchant_id: requireTenant().merchantId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1)
    // The cursor is the last message id of the previous page; comparing in SQL keeps full timestamp precision.
    if (options.cursor && isUuid(options.cursor)) {
      query.whereRaw(
        '(created_at, id) < (SELECT created_at, id FROM messages WHERE id = ? AND conversation_id = ?)',
        [options.cursor, conversationId]
      )
    }
    const rows: MessageRow[] = await query
    const page = rows.slice(0, limit)
    return {
      data: page.map(presentMessage),
      meta: { limit, nextCursor: rows.length > limit ? page[page.length - 1].id : null },
    }
  }
}

export const chatService = new ChatService()
