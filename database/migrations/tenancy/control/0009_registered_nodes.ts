import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Shard nodes registered at run time (`node ace shards:add-node`): the node's URL, encrypted with
 * APP_KEY (it carries a password), and when it was registered. Nodes declared in SHARD_NODE_URLS keep
 * no URL here.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
ALTER TABLE shard_nodes ADD COLUMN encrypted_url text, ADD COLUMN registered_at timestamptz;
`)
  }

  async down() {
    this.schema.raw(`
ALTER TABLE shard_nodes DROP COLUMN IF EXISTS encrypted_url, DROP COLUMN IF EXISTS registered_at;
`)
  }
}
