import type { Router } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'

const SettingsController = () =>
  import('#notifications/controllers/notification_settings_controller')
const OutboxController = () => import('#notifications/controllers/outbox_controller')
const PushSubscriptionsController = () =>
  import('#notifications/controllers/push_subscriptions_controller')
const ConversationsController = () => import('#notifications/chat/conversations_controller')

export default function notificationsRoutes(router: Router) {
  // Staff: channel settings and the outbox (owners and managers), push subscriptions and chat (any staff).
  router
    .group(() => {
      router
        .group(() => {
          router.get('/settings', [SettingsController, 'show'])
          router.put('/settings', [SettingsController, 'update'])
          router.post('/settings/webhook-secret', [SettingsController, 'rotateSecret'])
          router.get('/outbox', [OutboxController, 'index'])
          router.get('/outbox/:id', [OutboxController, 'show'])
          router.post('/outbox/:id/retry', [OutboxController, 'retry'])
        })
        .use(middleware.staff({ roles: ['owner', 'manager'] }))
      router
        .group(() => {
          router.get('/push/public-key', [PushSubscriptionsController, 'publicKey'])
          router.post('/push-subscriptions', [PushSubscriptionsController, 'store'])
          router.delete('/push-subscriptions/:id', [PushSubscriptionsController, 'destroy'])
          router.get('/conversations', [ConversationsController, 'index'])
          router.get('/conversations/:id/messages', [ConversationsController, 'messages'])
          router.post('/conversations/:id/messages', [ConversationsController, 'post'])
        })
        .use(middleware.staff())
    })
    .prefix('/api/v1/notifications')
    .use(middleware.throttle({ limit: 'api' }))

  // Customers, on the merchant's public path: start a chat, then use the conversation token.
  router
    .group(() => {
      router.post('/conversations', [ConversationsController, 'start'])
      router.get('/conversations/:id/messages', [ConversationsController, 'customerMessages'])
      router.post('/conversations/:id/messages', [ConversationsController, 'customerPost'])
    })
    .prefix('/api/v1/notifications/m/:merchantSlug')
    .use([middleware.tenant(), middleware.throttle({ limit: 'api' })])
}
