import { snakeKeys } from '#core/http/json_keys'

/**
 * The compliance JSON that leaves the process (admin API, the exported document, ace --json) is
 * snake_case like the rest of the platform; the services stay camelCase. Values keyed by column
 * names or by "module.table" are data, not shape, and pass through untouched.
 */
const ROW_VALUES = new Set(['oldValues', 'newValues'])
const REQUEST_DATA = new Set(['summary', 'anonymized'])
const DOCUMENT_DATA = new Set(['counts', 'data'])

export const auditPageJson = (page: unknown) => snakeKeys(page, ROW_VALUES)
export const requestJson = (request: unknown) => snakeKeys(request, REQUEST_DATA)
export const exportDocumentJson = (document: unknown) => snakeKeys(document, DOCUMENT_DATA)
