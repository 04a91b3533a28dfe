import type { OrderableItem } from '#menu/index'
import {
  CurrencyMismatchException,
  ItemNotFoundException,
  ItemSoldOutException,
  ItemUnavailableException,
  ModifierSelectionException,
  OptionNotFoundException,
  OptionOutOfStockException,
  OrderTooLargeException,
} from '#orders/exceptions'

export type RequestedLine = {
  item_id: string
  quantity: number
  option_ids?: string[]
  notes?: string
}

export type ChosenModifier = {
  group_id: string
  group_name: string
  option_id: string
  name: string
  price_delta_minor: number
}

export type PricedLine = {
  position: number
  menu_item_id: string
  name: string
  quantity: number
  base_price_minor: number
  modifiers: ChosenModifier[]
  unit_price_minor: number
  line_total_minor: number
  notes: string | null
}

export type PricedOrder = {
  lines: PricedLine[]
  currency: string
  subtotal_minor: number
  total_minor: number
}

const UNORDERABLE_MESSAGES = {
  inactive: 'is not on the menu',
  sold_out: 'is sold out',
  outside_hours: 'is not served at the chosen pickup time',
} as const

/**
 * Prices an order from the menu as it is now: every line's item must be orderable, every chosen
 * option must belong to that item and be in stock, and every modifier group's rule (required,
 * min, max) must hold. Prices come from the menu only. The first broken rule is reported with the
 * field it concerns (items.<n>.item_id or items.<n>.option_ids).
 */
export function priceOrder(
  requested: RequestedLine[],
  menu: Map<string, OrderableItem>
): PricedOrder {
  const lines: PricedLine[] = []
  let currency: string | null = null
  for (const [index, line] of requested.entries()) {
    const itemField = `items.${index}.item_id`
    const optionsField = `items.${index}.option_ids`
    const item = menu.get(line.item_id)
    if (!item) throw new ItemNotFoundException({ field: itemField })
    if (item.unorderable) {
      const Refusal =
        item.unorderable === 'sold_out' ? ItemSoldOutException : ItemUnavailableException
      throw new Refusal(`"${item.name}" ${UNORDERABLE_MESSAGES[item.unorderable]}`, {
        field: itemField,
      })
    }
    if (currency && item.currency !== currency) {
      throw new CurrencyMismatchException({ field: itemField })
    }
    currency = item.currency

    const modifiers = chooseModifiers(item, line.option_ids ?? [], optionsField)
    const unit =
      item.price_minor + modifiers.reduce((sum, modifier) => sum + modifier.price_delta_minor, 0)
    if (unit < 0)
      throw new ModifierSelectionException('These options make the price negative', {
        field: optionsField,
      })
    lines.push({
      position: index,
      menu_item_id: item.id,
      name: item.name,
      quantity: line.quantity,
      base_price_minor: item.price_minor,
      modifiers,
      unit_price_minor: unit,
      line_total_minor: unit * line.quantity,
      notes: line.notes ?? null,
    })
  }
  const subtotal = lines.reduce((sum, line) => sum + line.line_total_minor, 0)
  if (!Number.isSafeInteger(subtotal) || subtotal > 2_000_000_000) {
    throw new OrderTooLargeException({ field: 'items' })
  }
  return { lines, currency: currency!, subtotal_minor: subtotal, total_minor: subtotal }
}

function chooseModifiers(
  item: OrderableItem,
  optionIds: string[],
  field: string
): ChosenModifier[] {
  const chosen: ChosenModifier[] = []
  const remaining = new Set(optionIds)
  for (const group of item.modifier_groups) {
    const picked = group.options.filter((option) => remaining.has(option.id))
    for (const option of picked) {
      remaining.delete(option.id)
      if (!option.in_stock)
        throw new OptionOutOfStockException(`"${option.name}" is out of stock`, { field })
      chosen.push({
        group_id: group.id,
        group_name: group.name,
        option_id: option.id,
        name: option.name,
        price_delta_minor: option.price_delta_minor,
      })
    }
    const min = Math.max(group.min_select, group.is_required ? 1 : 0)
    if (picked.length < min) {
      throw new ModifierSelectionException(
        `"${group.name}" needs at least ${min} choice${min === 1 ? '' : 's'}`,
        { field }
      )
    }
    if (picked.length > group.max_select) {
      throw new ModifierSelectionException(
        `"${group.name}" allows at most ${group.max_select} choice${group.max_select === 1 ? '' : 's'}`,
        { field }
      )
    }
  }
  if (remaining.size > 0)
    throw new OptionNotFoundException(`An option does not belong to "${item.name}"`, { field })
  return chosen
}
