import { definePersonalData } from '#core/privacy/personal_data'

const ACCOUNT = {
  legalBasis: 'Art. 6(1)(b) contract: the account is needed to use the platform',
  recipients: ['GUDBRO Verticals (processor for the merchants you work for)'],
  source: 'provided by you, or by the merchant who invited you',
}

/** The tenancy core's personal data: user accounts, their memberships and their access tokens. */
export default definePersonalData({
  tables: [
    {
      table: 'users',
      location: 'control',
      subject: [
        { column: 'email', kind: 'email' },
        { column: 'id', kind: 'userId' },
      ],
      personal: {
        email: 'erasedEmail',
        full_name: 'null',
        password: 'null',
        email_verified_at: 'null',
      },
      erase: 'anonymize-then-delete',
      exportExcludes: ['password'],
      information: {
        ...ACCOUNT,
        purpose: 'Your account: signing in and acting for merchants',
        retention: 'while the account exists; deleted 90 days after an erasure request',
      },
    },
    {
      table: 'memberships',
      location: 'control',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: {},
      erase: 'anonymize-then-delete',
      information: {
        ...ACCOUNT,
        purpose: 'Which merchants you work for, and your role there',
        retention: 'while the membership exists',
      },
    },
    {
      table: 'auth_access_tokens',
      location: 'control',
      subject: [{ column: 'tokenable_id', kind: 'userId' }],
      // The device (browser user agent) and client address each sign-in came from: the sessions list.
      personal: { user_agent: 'null', ip_address: 'null' },
      erase: 'delete-now',
      exportExcludes: ['hash'],
      information: {
        ...ACCOUNT,
        purpose:
          'Keeping you signed in (access tokens), and showing you where each session was opened (device and address) so you can revoke it',
        retention: 'until the token expires or you sign out; revoked at once on erasure',
      },
    },
    {
      table: 'account_mails',
      location: 'control',
      subject: [
        { column: 'user_id', kind: 'userId' },
        { column: 'recipient', kind: 'email' },
      ],
      personal: {},
      erase: 'delete-now',
      exportExcludes: ['body'],
      information: {
        ...ACCOUNT,
        purpose:
          'Mails about your account (verification, invitations, password resets, sign-in alerts)',
        retention: 'while the account exists; the link a mail carries is removed once it is sent',
      },
    },
    {
      // The invitee's row. The inviter (invited_by) is set to null when their account is deleted.
      table: 'team_invitations',
      location: 'control',
      subject: [
        { column: 'email', kind: 'email' },
        { column: 'accepted_by', kind: 'userId' },
      ],
      personal: { email: 'erasedEmail' },
      erase: 'delete-now',
      exportExcludes: ['token_hash'],
      information: {
        ...ACCOUNT,
        purpose: 'Invitations to join a merchant’s team, and whether you accepted them',
        retention: 'while the merchant exists; deleted at once on an erasure request',
        source: 'provided by the merchant who invited you',
      },
    },
    {
      table: 'user_second_factors',
      location: 'control',
      key: 'user_id',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: {},
      erase: 'delete-now',
      // The secret would let anyone holding the export produce sign-in codes.
      exportExcludes: ['secret'],
      information: {
        ...ACCOUNT,
        purpose: 'Your second factor (authenticator app): signing in with a code',
        retention: 'while the second factor is on; deleted when you turn it off',
      },
    },
    {
      table: 'user_recovery_codes',
      location: 'control',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: {},
      erase: 'delete-now',
      exportExcludes: ['code_hash'],
      information: {
        ...ACCOUNT,
        purpose: 'One-time recovery codes for your second factor (kept as digests)',
        retention: 'until used, replaced, or the second factor is turned off',
      },
    },
    {
      table: 'second_factor_challenges',
      location: 'control',
      key: 'token_hash',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: {},
      erase: 'delete-now',
      exportExcludes: ['token_hash'],
      information: {
        ...ACCOUNT,
        purpose: 'A sign-in waiting for your second-factor code',
        retention: 'five minutes, or until the code is given',
      },
    },
    {
      table: 'account_tokens',
      location: 'control',
      subject: [{ column: 'user_id', kind: 'userId' }],
      personal: {},
      erase: 'delete-now',
      exportExcludes: ['token_hash'],
      information: {
        ...ACCOUNT,
        purpose: 'Single-use links mailed to you (email verification, password reset)',
        retention: 'while the account exists; a link works once, for a short time',
      },
    },
  ],
  notPersonal: [
    { table: 'merchants', location: 'control', columns: { name: "the merchant's business name" } },
    { table: 'brands', location: 'control', columns: { name: 'a business brand name' } },
    {
      table: 'shard_map',
      location: 'control',
      columns: { connection_name: 'a database connection name' },
    },
    { table: 'shard_nodes', location: 'control', columns: { name: 'a database connection name' } },
    {
      table: 'auth_access_tokens',
      location: 'control',
      columns: { name: 'the token label (staff:<merchant slug>)' },
    },
    {
      table: 'locations',
      location: 'shard',
      columns: { name: "a merchant's site name", address: "a merchant's business address" },
    },
  ],
})
