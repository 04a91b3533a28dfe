import { definePersonalData } from '#core/privacy/personal_data'

/**
 * A developer account names a person (display name, contact address, website). Apps and their
 * webhook subscriptions are a business's product, not personal data.
 */
export default definePersonalData({
  tables: [
    {
      table: 'developers',
      location: 'control',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: { display_name: 'redact', contact_email: 'redact', website: 'null' },
      // The account stays (its apps and support's review of them are on record), blanked.
      erase: 'anonymize',
      information: {
        purpose: 'Publishing apps in the marketplace: who publishes them and how to reach them',
        legalBasis: 'Art. 6(1)(b) contract: the developer terms',
        recipients: [
          'GUDBRO Verticals support staff',
          'merchants browsing the marketplace (display name and website of listed apps)',
        ],
        retention: 'while the developer account exists; blanked on erasure',
        source: 'provided by you',
      },
    },
  ],
  notPersonal: [
    {
      table: 'apps',
      location: 'control',
      columns: { name: "the app's product name, chosen by its developer" },
    },
  ],
})
