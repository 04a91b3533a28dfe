import { AppException } from '#core/exceptions/app_exception'

/** The chosen pickup slot has no place left. */
export class SlotFullException extends AppException {
  static status = 409
  static code = 'E_SLOT_FULL'
  static message = 'This pickup slot is full, please choose another one'
}

/** One client address has placed as many guest orders for this pickup slot as it may. */
export class GuestOrderLimitException extends AppException {
  static status = 429
  static code = 'E_GUEST_ORDER_LIMIT'
  static message =
    'Too many guest orders from your connection for this pickup slot: choose another slot or sign in'

  constructor() {
    super(GuestOrderLimitException.message, { field: 'pickup_slot_id' })
  }
}

/** The status change is not allowed from the order's current status. */
export class InvalidTransitionException extends AppException {
  static status = 409
  static code = 'E_INVALID_TRANSITION'
}

/** The same Idempotency-Key was sent with another request body. */
export class IdempotencyKeyReusedException extends AppException {
  static status = 422
  static code = 'E_IDEMPOTENCY_KEY_REUSED'
  static message = 'This Idempotency-Key was already used with a different request'
}

/** An order line the menu refuses (unknown, inactive, sold out, outside its hours, bad modifiers). */
export class OrderLineException extends AppException {
  static status = 422
  static code = 'E_ORDER_LINE_INVALID'

  constructor(code: string, message: string, field: string) {
    super(message, { field })
    this.code = code
  }
}

/** Input that passed the schema but not the business rules (slot unknown or closed, no contact...). */
export class OrderInputException extends AppException {
  static status = 422
  static code = 'E_VALIDATION'

  constructor(code: string, message: string, field: string) {
    super(message, { field })
    this.code = code
  }
}
