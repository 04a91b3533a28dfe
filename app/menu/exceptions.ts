import { AppException } from '#core/exceptions/app_exception'

export class MenuUnavailableException extends AppException {
  static status = 503
  static code = 'E_MENU_UNAVAILABLE'
  static message = 'The menu cannot be loaded right now, try again shortly'
}
