import { BaseSchema } from '@adonisjs/lucid/schema'
import {
  CREATE_AUDIT_LOG,
  DROP_AUDIT_LOG,
  auditTrigger,
  dropAuditTrigger,
} from '#database/migrations/compliance/audit_sql'

/** The control database's audit log, and the trigger on its sensitive tables. */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
${CREATE_AUDIT_LOG}
${auditTrigger('merchants', { merchantColumn: 'id' })}
${auditTrigger('memberships')}
${auditTrigger('users', { merchantColumn: null, hidden: ['password', 'email', 'full_name'] })}
${auditTrigger('merchant_module_overrides')}
`)
  }

  async down() {
    this.schema.raw(
      ['merchants', 'memberships', 'users', 'merchant_module_overrides']
        .map(dropAuditTrigger)
        .join('\n') + DROP_AUDIT_LOG
    )
  }
}
