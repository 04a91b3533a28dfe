import type { HttpContext } from '@adonisjs/core/http'
import { NotFoundException, UnauthorizedException } from '#core/exceptions/http_errors'
import { chatService } from '#notifications/chat/chat_service'
import {
  historyValidator,
  messageValidator,
  startConversationValidator,
} from '#notifications/chat/chat_validators'
import { pathId } from '#core/http/path_id'

/**
 * Chat over HTTP: customers start a conversation on the merchant's public path and use their token
 * (X-Conversation-Token); staff list conversations and read or answer any of their merchant's.
 */
export default class ConversationsController {
  async start({ request, response, actor }: HttpContext) {
    const input = await request.validateUsing(startConversationValidator)
    const started = await chatService.start({
      customerName: input.name,
      customerEmail: input.email,
      customerUserId: actor?.merchantId ? null : actor?.userId,
    })
    return response.created({ data: started.conversation, token: started.token })
  }

  async index({ response }: HttpContext) {
    response.header('Cache-Control', 'private, no-store')
    return { data: await chatService.list() }
  }

  async messages({ params, request, response }: HttpContext) {
    const id = await pathId(params, 'Conversation')
    const input = await historyValidator.validate(request.qs())
    response.header('Cache-Control', 'private, no-store')
    return chatService.history(id, input)
  }

  async post({ params, request, response, actor }: HttpContext) {
    const id = await pathId(params, 'Conversation')
    const { body } = await request.validateUsing(messageValidator)
    return response.created({
      data: await chatService.post(id, { type: 'staff', id: actor!.userId }, body),
    })
  }

  async customerMessages(ctx: HttpContext) {
    await this.#customerConversation(ctx)
    return this.messages(ctx)
  }

  async customerPost(ctx: HttpContext) {
    const conversation = await this.#customerConversation(ctx)
    const { body } = await ctx.request.validateUsing(messageValidator)
    return ctx.response.created({
      data: await chatService.post(conversation.id, { type: 'customer', id: null }, body),
    })
  }

  async #customerConversation({ params, request }: HttpContext) {
    const id = await pathId(params, 'Conversation')
    const token = request.header('x-conversation-token')
    if (!token) throw new UnauthorizedException('X-Conversation-Token is required')
    const conversation = await chatService.byToken(token)
    if (!conversation || conversation.id !== id)
      throw new NotFoundException('Conversation not found')
    return conversation
  }
}
