import { definePersonalData, type PersonalTable } from '#core/privacy/personal_data'

const ORDER_SERVICE = {
  legalBasis:
    'Art. 6(1)(b) contract: preparing and handing over your order; Art. 6(1)(c) tax records for the amounts',
  source: 'provided by you when ordering',
  recipients: ['the merchant and its staff'],
}

const orders: PersonalTable = {
  table: 'orders',
  location: 'shard',
  subject: [
    { column: 'customer_user_id', kind: 'userId' },
    { column: 'customer_email', kind: 'email' },
    { column: 'customer_phone', kind: 'phone' },
  ],
  personal: {
    customer_user_id: 'null',
    customer_name: 'redact',
    customer_email: 'null',
    customer_phone: 'null',
    notes: 'null',
  },
  erase: 'anonymize',
  exportExcludes: ['tracking_token_hash'],
  information: {
    ...ORDER_SERVICE,
    purpose: 'Taking, preparing and handing over your pickup orders; the merchant’s accounting',
    retention: 'amounts kept for the legal accounting period; your details blanked on erasure',
  },
}

const orderItems: PersonalTable = {
  table: 'order_items',
  location: 'shard',
  subject: [{ column: 'order_id', kind: 'parent', table: 'orders' }],
  personal: { notes: 'null' },
  erase: 'anonymize',
  information: {
    ...ORDER_SERVICE,
    purpose: 'What you ordered (your notes on a line are blanked on erasure)',
    retention: 'kept with the order for the legal accounting period',
  },
}

/** Finished orders older than six months (archive:run) hold the same data, so export and erasure cover them. */
const archived = (table: PersonalTable, purpose: string): PersonalTable => ({
  ...table,
  table: `${table.table}_archive`,
  subject: table.subject.map((link) =>
    link.kind === 'parent' ? { ...link, table: `${link.table}_archive` } : link
  ),
  information: { ...table.information, purpose },
})

const itemName = { name: 'the menu item’s name as it was when ordered' }

/**
 * Orders' personal data. Orders keep their amounts and lines after an erasure (tax records): only
 * the customer's details and free-text notes are blanked.
 */
export default definePersonalData({
  tables: [
    orders,
    orderItems,
    archived(orders, 'Your past pickup orders, kept for the merchant’s accounting'),
    archived(
      orderItems,
      'What you ordered in your past orders (your notes on a line are blanked on erasure)'
    ),
    {
      table: 'order_idempotency_keys',
      location: 'shard',
      key: 'order_id',
      subject: [{ column: 'order_id', kind: 'parent', table: 'orders' }],
      personal: { response_body: 'emptyJson', token_ciphertext: 'null' },
      erase: 'delete-now',
      exportExcludes: ['key', 'token_ciphertext', 'request_hash'],
      information: {
        ...ORDER_SERVICE,
        recipients: [],
        purpose:
          'Answering a retried order request with the first answer instead of ordering twice',
        retention: '24 hours',
      },
    },
  ],
  notPersonal: [
    { table: 'order_items', location: 'shard', columns: itemName },
    { table: 'order_items_archive', location: 'shard', columns: itemName },
  ],
})
