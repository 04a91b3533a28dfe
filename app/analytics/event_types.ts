import vine from '@vinejs/vine'

/**
 * The closed list of events the public digital menu may send, each with the shape of its data.
 * `order_placed` is not here: it is recorded by the server from `order.created`, never by a client.
 * Unknown keys in `data` are dropped by validation, so what we store is bounded. Keys are snake_case,
 * like every JSON body of the API, and are stored as sent (the aggregation SQL reads them by these names).
 * Names are not taken from clients (a `name` sent is dropped): figures name items from the catalog by id.
 */
export const CLIENT_EVENT_TYPES = [
  'menu_view',
  'category_view',
  'item_click',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'checkout_started',
] as const
export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number]

export const SERVER_EVENT_TYPES = ['order_placed'] as const
export type AnalyticsEventType = ClientEventType | (typeof SERVER_EVENT_TYPES)[number]

const ref = () => vine.string().trim().minLength(1).maxLength(64)
const quantity = () => vine.number().withoutDecimals().range([1, 999])

export const EVENT_DATA_SCHEMAS = {
  menu_view: vine
    .object({ locale: vine.string().maxLength(16).optional(), table_ref: ref().optional() })
    .optional(),
  category_view: vine.object({ category_id: ref() }),
  item_click: vine.object({ item_id: ref(), category_id: ref().optional() }),
  search: vine.object({
    query: vine.string().trim().maxLength(100),
    results: vine.number().withoutDecimals().min(0).optional(),
  }),
  add_to_cart: vine.object({
    item_id: ref(),
    quantity: quantity().optional(),
    price_minor: vine.number().withoutDecimals().min(0).optional(),
  }),
  remove_from_cart: vine.object({ item_id: ref(), quantity: quantity().optional() }),
  checkout_started: vine
    .object({
      cart_value_minor: vine.number().withoutDecimals().min(0).optional(),
      item_count: vine.number().withoutDecimals().min(0).optional(),
    })
    .optional(),
} satisfies Record<ClientEventType, unknown>
