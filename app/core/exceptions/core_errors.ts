import { AppException } from '#core/exceptions/app_exception'

/** Errors of core's own endpoints; the HTTP errors every module shares are in http_errors.ts. */
export class MetricsTokenRequiredException extends AppException {
  static status = 401
  static code = 'E_METRICS_TOKEN_REQUIRED'
  static message = 'Scraping /metrics needs Authorization: Bearer <METRICS_TOKEN>'
}
