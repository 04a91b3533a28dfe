import { defineModule } from '#tenancy/index'

/** The catalog every merchant publishes: categories, items, modifiers; public menus behind a cache. */
export default defineModule({
  name: 'menu',
  routes: () => import('#menu/routes'),
  personalData: () => import('#menu/personal_data'),
  listeners: () => import('#menu/start/events'),
  onboarding: () => import('#menu/onboarding'),
  jobs: [() => import('#menu/jobs/menu_import_job'), () => import('#menu/jobs/menu_export_job')],
  budget: 'menu',
})
