import vine from '@vinejs/vine'

export const startConversationValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(100),
    email: vine.string().trim().email().maxLength(254).optional(),
  })
)

export const messageValidator = vine.compile(
  vine.object({
    body: vine.string().trim().minLength(1).maxLength(4000),
  })
)

export const socketMessageValidator = vine.compile(
  vine
    .object({
      conversation_id: vine.string().uuid(),
      body: vine.string().trim().minLength(1).maxLength(4000),
    })
    .toCamelCase()
)

export const historyValidator = vine.compile(
  vine.object({
    cursor: vine.string().uuid().optional(),
    limit: vine.number().withoutDecimals().range([1, 100]).optional(),
  })
)
