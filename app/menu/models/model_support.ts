import { SnakeCaseNamingStrategy } from '@adonisjs/lucid/orm'

/** JSONB columns: PostgreSQL hands them back parsed; they must be sent as JSON text. */
export const jsonColumn = {
  prepare: (value: unknown) => JSON.stringify(value ?? []),
}

/**
 * The menu API speaks snake_case both ways (bodies, responses, import files, the public menu built
 * by SQL), so its models serialise that way too.
 */
export const snakeCase = new SnakeCaseNamingStrategy()
