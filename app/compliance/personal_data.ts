import { definePersonalData } from '#core/privacy/personal_data'

/**
 * The audit log names who did what. It is kept for accountability (Art. 5(2)): an erasure blanks the
 * client address and browser of the subject's own actions; the trigger never copies a user's email or
 * name into it in the first place.
 */
export default definePersonalData({
  tables: (['control', 'shard'] as const).map((location) => ({
    table: 'audit_log',
    location,
    subject: [{ column: 'actor_id', kind: 'userId' as const }],
    personal: { ip_address: 'null' as const, user_agent: 'null' as const },
    erase: 'anonymize' as const,
    information: {
      purpose: 'Security and accountability: a record of changes to accounts, merchants and orders',
      legalBasis: 'Art. 6(1)(c) legal obligation and 6(1)(f) legitimate interest (security)',
      recipients: ['GUDBRO Verticals support staff', 'the merchant owner, for their own merchant'],
      retention: 'kept; personal details of your own actions are blanked on erasure',
      source: 'recorded automatically when you act',
    },
  })),
})
