export type Option = { id: string; name: string; price_delta_minor: number; allergens: string[]; is_default?: boolean }
export type Group = { id: string; name: string; is_required: boolean; min_select: number; max_select: number; options: Option[] }
export type Item = {
  id: string
  name: string
  description: string | null
  price_minor: number
  currency: string
  sold_out: boolean
  dietary_flags: string[]
  allergens: string[]
  modifier_groups: Group[]
}
export type Category = { id: string; name: string; items: Item[] }
export type CartLine = { key: string; item: Item; options: Option[]; quantity: number }
export type Slot = { id: string; starts_at: string; ends_at: string; remaining: number; is_full: boolean }

export const DIETARY = ['vegan', 'vegetarian', 'gluten_free'] as const
export const ALLERGENS = ['milk', 'gluten', 'eggs', 'nuts', 'soy', 'sesame'] as const

export const label = (code: string) => code.replace(/_/g, ' ')

export function unitPrice(line: Pick<CartLine, 'item' | 'options'>) {
  return line.item.price_minor + line.options.reduce((sum, option) => sum + (option.price_delta_minor ?? 0), 0)
}
