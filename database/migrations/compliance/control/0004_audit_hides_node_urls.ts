import { BaseSchema } from '@adonisjs/lucid/schema'
import { auditTrigger, dropAuditTrigger } from '#database/migrations/compliance/audit_sql'

/**
 * A registered shard node's URL (encrypted, but a secret all the same) stays out of the audit log: the
 * registration is logged with its name, acceptance and time.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
${dropAuditTrigger('shard_nodes')}
${auditTrigger('shard_nodes', { merchantColumn: null, hidden: ['encrypted_url'] })}
`)
  }

  async down() {
    this.schema.raw(`
${dropAuditTrigger('shard_nodes')}
${auditTrigger('shard_nodes', { merchantColumn: null })}
`)
  }
}
