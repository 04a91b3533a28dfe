import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const TeamMembersController = () => import('#tenancy/controllers/team_members_controller')
const TeamInvitationsController = () => import('#tenancy/controllers/team_invitations_controller')

/**
 * Team routes, mounted inside the tenancy group's staff routes (/api/v1/tenancy/team/...).
 * Owners change roles and transfer ownership; owners and managers invite (managers staff only, checked
 * in the service); anyone may leave (DELETE of their own membership).
 */
export function teamRoutes(router: Router) {
  const leaders = middleware.staff({ roles: ['owner', 'manager'] })
  const owners = middleware.staff({ roles: ['owner'] })
  router
    .group(() => {
      router.get('/members', [TeamMembersController, 'index']).use(leaders)
      router.patch('/members/:user', [TeamMembersController, 'update']).use(owners)
      router.delete('/members/:user', [TeamMembersController, 'destroy'])
      router.post('/transfer-ownership', [TeamMembersController, 'transferOwnership']).use(owners)
      router.get('/invitations', [TeamInvitationsController, 'index']).use(leaders)
      router
        .post('/invitations', [TeamInvitationsController, 'store'])
        .use([leaders, middleware.throttle({ limit: 'invitations' })])
      router.delete('/invitations/:id', [TeamInvitationsController, 'destroy']).use(leaders)
    })
    .prefix('/team')
}

/** The invitee's side, under /api/v1/auth: public, or signed in with the invited account. */
export function invitationAuthRoutes(router: Router) {
  const limit = middleware.throttle({ limit: 'auth' })
  // POST, the token in the body: a query string ends up in access logs, a fragment's secret must not.
  router.post('/invitations/preview', [TeamInvitationsController, 'preview']).use(limit)
  router.post('/invitations/accept', [TeamInvitationsController, 'accept']).use(limit)
}
