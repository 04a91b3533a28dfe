import { defineModule } from '#tenancy/modules/define_module'

/** The tenancy core: merchants, staff auth, locations, module switches. On for everyone. */
export default defineModule({
  name: 'tenancy',
  core: true,
  routes: () => import('#tenancy/routes'),
  personalData: () => import('#tenancy/personal_data'),
})
