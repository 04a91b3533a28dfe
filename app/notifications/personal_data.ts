import { definePersonalData } from '#core/privacy/personal_data'

const MERCHANT_SERVICE = {
  legalBasis: 'Art. 6(1)(b) contract / 6(1)(f) legitimate interest of the merchant you deal with',
  source: 'provided by you, or by the merchant',
}

/** Notifications' personal data: the outbox, staff push subscriptions, chat, recipient settings. */
export default definePersonalData({
  tables: [
    {
      table: 'notification_queue',
      location: 'shard',
      subject: [{ column: 'recipient', kind: 'contact' }],
      personal: { recipient: 'null', payload: 'emptyJson', last_error: 'null' },
      erase: 'anonymize-then-delete',
      exportExcludes: ['idempotency_key'],
      information: {
        ...MERCHANT_SERVICE,
        purpose: 'Sending you messages about your orders and bookings (email, push, SMS)',
        recipients: ['the merchant', 'our email, SMS and push delivery providers'],
        retention:
          'while the merchant keeps its notification history; deleted 90 days after an erasure request',
      },
    },
    {
      table: 'push_subscriptions',
      location: 'shard',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: { endpoint: 'redact', p256dh: 'redact', auth: 'redact' },
      erase: 'delete-now',
      exportExcludes: ['p256dh', 'auth'],
      information: {
        ...MERCHANT_SERVICE,
        purpose: 'Browser push notifications to staff devices',
        recipients: ["your browser vendor's push service"],
        retention: 'until you unsubscribe; removed at once on erasure',
      },
    },
    {
      table: 'conversations',
      location: 'shard',
      subject: [
        { column: 'customer_email', kind: 'email' },
        { column: 'customer_user_id', kind: 'userId' },
      ],
      personal: { customer_name: 'redact', customer_email: 'null' },
      erase: 'anonymize-then-delete',
      exportExcludes: ['token_hash'],
      information: {
        ...MERCHANT_SERVICE,
        purpose: 'Chat between you and the merchant',
        recipients: ['the merchant and its staff'],
        retention:
          'while the merchant keeps the conversation; deleted 90 days after an erasure request',
      },
    },
    {
      table: 'messages',
      location: 'shard',
      subject: [
        { column: 'conversation_id', kind: 'parent', table: 'conversations' },
        { column: 'sender_id', kind: 'userId' },
      ],
      personal: { body: 'redact' },
      erase: 'anonymize-then-delete',
      information: {
        ...MERCHANT_SERVICE,
        purpose: 'Chat between you and the merchant (message text)',
        recipients: ['the merchant and its staff'],
        retention: 'as the conversation',
      },
    },
    {
      table: 'notification_settings',
      location: 'shard',
      key: 'merchant_id',
      subject: [
        { column: 'email_recipients', kind: 'contactList' },
        { column: 'sms_recipients', kind: 'contactList' },
      ],
      personal: { email_recipients: 'removeSubject', sms_recipients: 'removeSubject' },
      erase: 'anonymize',
      // The row is the merchant's (its webhook secret and URL, its routes, its other recipients): a
      // recipient's export holds only their own entries, and erasure removes only them from the lists.
      export: 'subjectEntries',
      information: {
        ...MERCHANT_SERVICE,
        purpose: 'Where a merchant sends its staff alerts (your address as a recipient)',
        recipients: ['our email and SMS delivery providers'],
        retention: 'until the merchant removes you; removed at once on erasure',
      },
    },
  ],
  notPersonal: [
    {
      table: 'notification_settings',
      location: 'shard',
      columns: { webhook_url: "the merchant's own endpoint" },
    },
  ],
})
