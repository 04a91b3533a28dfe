import { BaseSchema } from '@adonisjs/lucid/schema'
import { tenantTableShardGuards } from '#database/migrations/tenancy/shard_functions'

/**
 * Customer <-> merchant chat. A customer holds a conversation token (only its hash is
 * stored); staff reach every conversation of their merchant. Messages are read newest first, by page.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  customer_name text NOT NULL CHECK (length(customer_name) BETWEEN 1 AND 100),
  customer_email text,
  customer_user_id uuid,
  token_hash text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  last_message_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_merchant_recent_idx ON conversations (merchant_id, last_message_at DESC NULLS LAST);
${tenantTableShardGuards('conversations')}

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  merchant_id uuid NOT NULL,
  shard_id integer NOT NULL,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sender_type text NOT NULL CHECK (sender_type IN ('customer', 'staff')),
  sender_id text,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX messages_conversation_created_idx ON messages (conversation_id, created_at DESC, id DESC);
${tenantTableShardGuards('messages')}
`)
  }

  async down() {
    this.schema.raw('DROP TABLE IF EXISTS messages; DROP TABLE IF EXISTS conversations')
  }
}
