import { definePersonalData } from '#core/privacy/personal_data'

/** The menu holds no personal data: its names are those of dishes, treatments and rentals. */
export default definePersonalData({
  tables: [],
  notPersonal: [
    { table: 'menu_categories', location: 'shard', columns: { name: 'a menu category name' } },
    {
      table: 'menu_items',
      location: 'shard',
      columns: { name: 'a dish, treatment or rental name' },
    },
    {
      table: 'menu_modifier_groups',
      location: 'shard',
      columns: { name: 'a modifier group name (size, milk)' },
    },
    {
      table: 'menu_modifier_options',
      location: 'shard',
      columns: { name: 'a modifier option name' },
    },
  ],
})
