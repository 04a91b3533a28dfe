/** JSONB columns: PostgreSQL hands them back parsed; they must be sent as JSON text. */
export const jsonColumn = {
  prepare: (value: unknown) => JSON.stringify(value ?? []),
}
