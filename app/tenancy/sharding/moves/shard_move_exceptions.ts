import { AppException } from '#core/exceptions/app_exception'

/** A shard or node that does not exist, or a strategy we do not have. */
export class ShardMoveInvalidException extends AppException {
  static status = 422
  static code = 'E_SHARD_MOVE_INVALID'
  static message = 'No such shard, node or strategy'
}

/** A move that cannot start or go on now; the message says what to do about it. */
export class ShardMoveRefusedException extends AppException {
  static status = 409
  static code = 'E_SHARD_MOVE_REFUSED'
  static message = 'The shard move cannot go on'
}
