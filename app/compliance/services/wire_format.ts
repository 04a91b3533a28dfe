import { snakeKeys, verbatim } from '#core/http/json_keys'

/**
 * The compliance JSON that leaves the process (admin API, the exported document, ace --json) goes
 * through the platform's serializer (app/core/http/json_keys.ts). Values keyed by column names or by
 * "module.table" are data, not shape: they are marked so their keys pass through untouched.
 */
type Request = { summary?: unknown; anonymized?: unknown }
type ExportDocument = { counts: unknown; data: unknown }

export const requestJson = (request: Request) =>
  snakeKeys({
    ...request,
    summary: verbatim(request.summary),
    ...('anonymized' in request ? { anonymized: verbatim(request.anonymized) } : {}),
  })

export const exportDocumentJson = (document: ExportDocument) =>
  snakeKeys({ ...document, counts: verbatim(document.counts), data: verbatim(document.data) })
