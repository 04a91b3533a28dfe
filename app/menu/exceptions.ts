import { AppException } from '#core/exceptions/app_exception'

export class InvalidMenuFilterException extends AppException {
  static status = 422
  static code = 'E_VALIDATION'
  static message = 'Invalid menu filter'
}

export class MenuUnavailableException extends AppException {
  static status = 503
  static code = 'E_MENU_UNAVAILABLE'
  static message = 'The menu cannot be loaded right now, try again shortly'
}

export class InvalidMenuReferenceException extends AppException {
  static status = 422
  static code = 'E_VALIDATION'
  static message = 'The referenced menu entry does not exist'
}

export class BulkFileTooLargeException extends AppException {
  static status = 413
  static code = 'E_PAYLOAD_TOO_LARGE'
  static message = 'The file is too large'
}
