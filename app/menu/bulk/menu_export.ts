import { toCsv } from '#menu/bulk/csv'
import { CSV_COLUMNS, CSV_FIELDS, type RecordKind } from '#menu/bulk/menu_document'
import type { MenuCategoryView } from '#menu/services/menu_query'

/** The import's JSON shape, without ids (an import creates fresh rows). */
export function menuToJson(categories: MenuCategoryView[]): string {
  const strip = <T extends { id: string }>({ id: _id, ...rest }: T) => rest
  return JSON.stringify(
    {
      categories: categories.map((category) => ({
        ...strip(category),
        items: category.items.map((item) => ({
          ...strip(item),
          modifier_groups: item.modifier_groups.map((group) => ({
            ...strip(group),
            options: group.options.map(strip),
          })),
        })),
      })),
    },
    null,
    2
  )
}

/** One line per record, parents named on each child line (the import's CSV format). */
export function menuToCsv(categories: MenuCategoryView[]): string {
  const rows: Array<Array<string | number | boolean | null>> = [[...CSV_COLUMNS]]
  const line = (kind: RecordKind, lineage: string[], data: Record<string, unknown>) => {
    const values: Record<string, unknown> = {
      record: kind,
      category: lineage[0],
      item: lineage[1],
      group: lineage[2],
    }
    for (const field of CSV_FIELDS[kind]) {
      const value = data[field]
      values[field] = Array.isArray(value)
        ? field === 'availability'
          ? JSON.stringify(value)
          : value.join('|')
        : value
    }
    rows.push(
      CSV_COLUMNS.map((column) => (values[column] ?? null) as string | number | boolean | null)
    )
  }
  for (const category of categories) {
    line('category', [], category)
    for (const item of category.items) {
      line('item', [category.name], item)
      for (const group of item.modifier_groups) {
        line('modifier_group', [category.name, item.name], group)
        for (const option of group.options)
          line('option', [category.name, item.name, group.name], option)
      }
    }
  }
  return toCsv(rows)
}
