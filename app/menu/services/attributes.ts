export type Snake = Record<string, unknown>

/** snake_case request fields to the models' camelCase attributes (undefined fields are left out). */
export function toModelAttributes(input: Snake): Record<string, unknown> {
  const attributes: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    attributes[key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value
  }
  return attributes
}
