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
  static message = 'The order cannot take this status from its current one'
}

/** The same Idempotency-Key was sent with another request body. */
export class IdempotencyKeyReusedException extends AppException {
  static status = 422
  static code = 'E_IDEMPOTENCY_KEY_REUSED'
  static message = 'This Idempotency-Key was already used with a different request'
}

/*
 * An order line the menu refuses (unknown, inactive, sold out, outside its hours, bad modifiers):
 * 422 with the field of the line at fault (items.<n>.item_id or items.<n>.option_ids).
 */

export class ItemNotFoundException extends AppException {
  static status = 422
  static code = 'E_ITEM_NOT_FOUND'
  static message = 'This item is not on the menu'
}

/** Inactive, or not served at the chosen pickup time. */
export class ItemUnavailableException extends AppException {
  static status = 422
  static code = 'E_ITEM_UNAVAILABLE'
  static message = 'This item cannot be ordered now'
}

export class ItemSoldOutException extends AppException {
  static status = 422
  static code = 'E_ITEM_SOLD_OUT'
  static message = 'This item is sold out'
}

export class CurrencyMismatchException extends AppException {
  static status = 422
  static code = 'E_CURRENCY_MISMATCH'
  static message = 'All items of an order must have the same currency'
}

/** A modifier group's rule (required, min, max) broken, or options that make the price negative. */
export class ModifierSelectionException extends AppException {
  static status = 422
  static code = 'E_MODIFIER_SELECTION'
  static message = 'These options are not a valid choice for this item'
}

export class OptionNotFoundException extends AppException {
  static status = 422
  static code = 'E_OPTION_NOT_FOUND'
  static message = 'An option does not belong to this item'
}

export class OptionOutOfStockException extends AppException {
  static status = 422
  static code = 'E_OPTION_OUT_OF_STOCK'
  static message = 'An option is out of stock'
}

export class OrderTooLargeException extends AppException {
  static status = 422
  static code = 'E_ORDER_TOO_LARGE'
  static message = 'This order is too large'
}

/*
 * Input that passed the schema but not the business rules: 422 with the field at fault. A plain
 * rule on one field (ends_at after starts_at, the Idempotency-Key's shape) is core's E_VALIDATION.
 */

export class SlotNotFoundException extends AppException {
  static status = 422
  static code = 'E_SLOT_NOT_FOUND'
  static message = 'This pickup slot does not exist'
}

export class SlotClosedException extends AppException {
  static status = 422
  static code = 'E_SLOT_CLOSED'
  static message = 'This pickup slot is closed'
}

export class SlotExistsException extends AppException {
  static status = 422
  static code = 'E_SLOT_EXISTS'
  static message = 'A pickup slot already starts at this time'
}

/** A guest order without a way to reach the guest. */
export class ContactRequiredException extends AppException {
  static status = 422
  static code = 'E_CONTACT_REQUIRED'
  static message = 'Guests must give a name and an email or phone'
}

export class ReasonRequiredException extends AppException {
  static status = 422
  static code = 'E_REASON_REQUIRED'
  static message = 'A rejection needs a reason for the customer'
}
