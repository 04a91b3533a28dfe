import { ValidationException } from '#core/exceptions/http_errors'

type Range = { isRequired?: unknown; minSelect?: unknown; maxSelect?: unknown }

/**
 * A modifier group's selection rule: a required group needs at least one choice (min_select
 * defaults to 1 when not given), max_select defaults to max(1, min), and min never exceeds max.
 */
export function selectionRange<T extends Range>(
  input: T,
  minGiven = input.minSelect !== undefined
) {
  const required = Boolean(input.isRequired)
  let min = (input.minSelect as number | undefined) ?? 0
  if (required && !minGiven && min < 1) min = 1
  const max = (input.maxSelect as number | undefined) ?? Math.max(1, min)
  if (required && min < 1)
    throw new ValidationException('A required group needs min_select of at least 1', {
      field: 'min_select',
    })
  if (min > max)
    throw new ValidationException('min_select cannot be greater than max_select', {
      field: 'min_select',
    })
  return { ...input, isRequired: required, minSelect: min, maxSelect: max }
}
