import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import { invitationAuthRoutes, teamRoutes } from '#tenancy/team_routes'

const AuthController = () => import('#tenancy/controllers/auth_controller')
const SecondFactorController = () => import('#tenancy/controllers/second_factor_controller')
const PasswordsController = () => import('#tenancy/controllers/passwords_controller')
const SessionsController = () => import('#tenancy/controllers/sessions_controller')
const SignUpController = () => import('#tenancy/controllers/sign_up_controller')
const OnboardingController = () => import('#tenancy/controllers/onboarding_controller')
const LocationsController = () => import('#tenancy/controllers/locations_controller')
const MerchantProfileController = () => import('#tenancy/controllers/merchant_profile_controller')
const ModulesController = () => import('#tenancy/controllers/modules_controller')
const AdminMerchantsController = () => import('#tenancy/controllers/admin_merchants_controller')
const AdminMembershipsController = () => import('#tenancy/controllers/admin_memberships_controller')
const AdminShardsController = () => import('#tenancy/controllers/admin_shards_controller')

export default function tenancyRoutes(router: Router) {
  router
    .group(() => {
      router.post('/login', [AuthController, 'login']).use(middleware.throttle({ limit: 'auth' }))
      router
        .post('/logout', [AuthController, 'logout'])
        .as('auth.logout')
        .use(middleware.throttle({ limit: 'api' }))
      router.get('/me', [AuthController, 'me']).use(middleware.throttle({ limit: 'api' }))
      invitationAuthRoutes(router)
      // Code and password checks: anonymous ones under the per-address sign-in limit, the signed-in
      // account's own under the per-account one (and the account's lockouts either way).
      router
        .post('/login/second-factor', [SecondFactorController, 'login'])
        .use(middleware.throttle({ limit: 'auth' }))
      router
        .group(() => {
          router.get('/second-factor', [SecondFactorController, 'show'])
          router.post('/second-factor', [SecondFactorController, 'start'])
          router.post('/second-factor/confirm', [SecondFactorController, 'confirm'])
          router.delete('/second-factor', [SecondFactorController, 'destroy'])
          router.post('/second-factor/recovery-codes', [
            SecondFactorController,
            'regenerateRecoveryCodes',
          ])
        })
        .use(middleware.throttle({ limit: 'account' }))
      router
        .post('/password/forgot', [PasswordsController, 'forgot'])
        .use(middleware.throttle({ limit: 'password_forgot' }))
      router
        .post('/password/reset', [PasswordsController, 'reset'])
        .use(middleware.throttle({ limit: 'auth' }))
      router
        .post('/password/change', [PasswordsController, 'change'])
        .use(middleware.throttle({ limit: 'account' }))
      router
        .group(() => {
          router.get('/sessions', [SessionsController, 'index'])
          router.delete('/sessions', [SessionsController, 'destroyOthers'])
          router.delete('/sessions/:id', [SessionsController, 'destroy'])
        })
        .use(middleware.throttle({ limit: 'api' }))
      router
        .post('/sign-up', [SignUpController, 'store'])
        .use(middleware.throttle({ limit: 'sign_up' }))
      router
        .post('/verify-email', [SignUpController, 'verify'])
        .use(middleware.throttle({ limit: 'auth' }))
      router
        .post('/verify-email/resend', [SignUpController, 'resend'])
        .use(middleware.throttle({ limit: 'verification_mail' }))
    })
    .prefix('/api/v1/auth')

  router
    .group(() => {
      router.get('/merchant', [MerchantProfileController, 'show']).use(middleware.tenant())
      router
        .group(() => {
          router.get('/modules', [ModulesController, 'mine'])
          router.get('/onboarding', [OnboardingController, 'show'])
          router.get('/locations', [LocationsController, 'index'])
          router.get('/locations/:id', [LocationsController, 'show'])
          router
            .post('/locations', [LocationsController, 'store'])
            .use(middleware.staff({ roles: ['owner', 'manager'] }))
          teamRoutes(router)
        })
        .use(middleware.staff())
    })
    .prefix('/api/v1/tenancy')
    .use(middleware.throttle({ limit: 'api' }))

  router
    .group(() => {
      router.get('/merchants', [AdminMerchantsController, 'index'])
      router.post('/merchants', [AdminMerchantsController, 'store'])
      router.post('/merchants/:merchant/suspend', [AdminMerchantsController, 'suspend'])
      router.post('/merchants/:merchant/reactivate', [AdminMerchantsController, 'reactivate'])
      router.delete('/merchants/:merchant/members/:user', [AdminMembershipsController, 'destroy'])
      router.get('/merchants/:merchant/modules', [ModulesController, 'index'])
      router.post('/merchants/:merchant/modules/:module/enable', [ModulesController, 'enable'])
      router.post('/merchants/:merchant/modules/:module/disable', [ModulesController, 'disable'])
      router.get('/shards', [AdminShardsController, 'show'])
      router.post('/shards/moves', [AdminShardsController, 'move'])
      router
        .post('/shards/moves/:shard/:end', [AdminShardsController, 'end'])
        .where('end', /^(complete|rollback)$/)
      router.post('/shards/rebalance', [AdminShardsController, 'rebalance'])
      router.post('/shards/nodes/:node/drain', [AdminShardsController, 'drain'])
    })
    .prefix('/api/v1/admin')
    .use([middleware.support(), middleware.throttle({ limit: 'api' })])
}
