import { BaseSchema } from '@adonisjs/lucid/schema'
import { CREATE_AUDIT_LOG, DROP_AUDIT_LOG } from '#database/migrations/compliance/audit_sql'

/**
 * Each shard node's audit log. Modules whose sensitive tables live on the shards (orders, menu items,
 * marketplace installs) attach auditTrigger() from their migrations, which run after this one.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(CREATE_AUDIT_LOG)
  }

  async down() {
    this.schema.raw(DROP_AUDIT_LOG)
  }
}
