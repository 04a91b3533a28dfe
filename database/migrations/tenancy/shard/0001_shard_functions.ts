import { BaseSchema } from '@adonisjs/lucid/schema'
import {
  CREATE_SHARD_FUNCTIONS,
  DROP_SHARD_FUNCTIONS,
} from '#database/migrations/tenancy/shard_functions'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(CREATE_SHARD_FUNCTIONS)
  }

  async down() {
    this.schema.raw(DROP_SHARD_FUNCTIONS)
  }
}
