import vine from '@vinejs/vine'
import { DIETARY_FLAGS, EU_ALLERGENS, RENTAL_UNITS } from '#menu/catalog'

/**
 * Request bodies of the staff API (snake_case, like our responses; the validated output is
 * camelCase for the services and models). Each schema is built by a function so create (required
 * fields) and update (everything optional) share one definition; the bulk import validates every
 * row with these same fields.
 */
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/

const name = () => vine.string().trim().minLength(1).maxLength(200)
const description = () => vine.string().trim().maxLength(2000).nullable()
const displayOrder = () => vine.number().withoutDecimals().range([-1_000_000, 1_000_000])
const allergens = () =>
  vine.array(vine.enum(EU_ALLERGENS)).maxLength(EU_ALLERGENS.length).distinct()
const availability = () =>
  vine
    .array(
      vine.object({
        days: vine
          .array(vine.number().withoutDecimals().range([1, 7]))
          .minLength(1)
          .maxLength(7)
          .distinct()
          .optional(),
        start: vine.string().regex(HHMM),
        end: vine.string().regex(HHMM),
      })
    )
    .maxLength(20)

export const categoryFields = () => ({
  name: name(),
  description: description().optional(),
  display_order: displayOrder().optional(),
  is_active: vine.boolean().optional(),
  availability: availability().optional(),
})

export const itemFields = () => ({
  name: name(),
  description: description().optional(),
  price_minor: vine.number().withoutDecimals().range([0, 100_000_000]),
  currency: vine
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/),
  image_url: vine
    .string()
    .trim()
    .maxLength(2000)
    .url({ require_protocol: true, protocols: ['https', 'http'] })
    .nullable()
    .optional(),
  display_order: displayOrder().optional(),
  is_active: vine.boolean().optional(),
  sold_out: vine.boolean().optional(),
  dietary_flags: vine
    .array(vine.enum(DIETARY_FLAGS))
    .maxLength(DIETARY_FLAGS.length)
    .distinct()
    .optional(),
  allergens: allergens().optional(),
  duration_minutes: vine
    .number()
    .withoutDecimals()
    .range([1, 24 * 60 * 30])
    .nullable()
    .optional(),
  rental_unit: vine.enum(RENTAL_UNITS).nullable().optional(),
})

export const groupFields = () => ({
  name: name(),
  display_order: displayOrder().optional(),
  is_required: vine.boolean().optional(),
  min_select: vine.number().withoutDecimals().range([0, 50]).optional(),
  max_select: vine.number().withoutDecimals().range([1, 50]).optional(),
})

export const optionFields = () => ({
  name: name(),
  price_delta_minor: vine.number().withoutDecimals().range([-100_000_000, 100_000_000]).optional(),
  allergens: allergens().optional(),
  in_stock: vine.boolean().optional(),
  display_order: displayOrder().optional(),
})

/** Every field optional, for PATCH. */
function partial<T extends Record<string, any>>(fields: T) {
  return Object.fromEntries(
    Object.entries(fields).map(([key, schema]) => [
      key,
      'optional' in schema ? schema.optional() : schema,
    ])
  ) as {
    [K in keyof T]: ReturnType<T[K]['optional']> extends infer O
      ? T[K] extends { optional(): any }
        ? O
        : T[K]
      : never
  }
}

export const createCategoryValidator = vine.compile(vine.object(categoryFields()).toCamelCase())
export const updateCategoryValidator = vine.compile(
  vine.object(partial(categoryFields())).toCamelCase()
)

export const createItemValidator = vine.compile(
  vine.object({ category_id: vine.string().uuid(), ...itemFields() }).toCamelCase()
)
export const updateItemValidator = vine.compile(
  vine
    .object({ category_id: vine.string().uuid().optional(), ...partial(itemFields()) })
    .toCamelCase()
)

export const createGroupValidator = vine.compile(vine.object(groupFields()).toCamelCase())
export const updateGroupValidator = vine.compile(vine.object(partial(groupFields())).toCamelCase())

export const createOptionValidator = vine.compile(vine.object(optionFields()).toCamelCase())
export const updateOptionValidator = vine.compile(
  vine.object(partial(optionFields())).toCamelCase()
)

export const soldOutValidator = vine.compile(
  vine.object({ sold_out: vine.boolean() }).toCamelCase()
)
export const reorderValidator = vine.compile(
  vine.object({ ids: vine.array(vine.string().uuid()).minLength(1).maxLength(1000).distinct() })
)
export const bulkImportValidator = vine.compile(
  vine.object({
    format: vine.enum(['json', 'csv'] as const),
    // The JSON body limit (config/bodyparser.ts) is 2 MB; the file travels inside it.
    content: vine.string().minLength(1).maxLength(2_000_000),
  })
)
export const bulkExportValidator = vine.compile(
  vine.object({ format: vine.enum(['json', 'csv'] as const) })
)
