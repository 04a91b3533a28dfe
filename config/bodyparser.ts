import { defineConfig } from '@adonisjs/core/bodyparser'

/**
 * The body parser is router middleware (start/kernel.ts): a request that matches no route is never read.
 * Multipart files are never written to disk by the parser: no route takes them today (the menu import
 * carries its file as a JSON string within the JSON limit), and a route that does takes them with
 * request.multipart.onFile after its auth middleware, within its own size limit.
 */
export default defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: { convertEmptyStringsToNull: true, types: ['application/x-www-form-urlencoded'] },
  json: {
    convertEmptyStringsToNull: true,
    limit: '2mb',
    types: [
      'application/json',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/csp-report',
    ],
  },
  multipart: {
    autoProcess: false,
    convertEmptyStringsToNull: true,
    processManually: [],
    limit: '2mb',
    types: ['multipart/form-data'],
  },
})
