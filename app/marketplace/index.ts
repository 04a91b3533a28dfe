/**
 * The marketplace's public surface. Other modules (and the OAuth slice) import from here only.
 */
export { verifyClientSecret, clientSecrets } from '#marketplace/services/client_secrets'
export { APP_SCOPES, WEBHOOK_TOPICS, type AppScope, type WebhookTopic } from '#marketplace/catalog'
export { authenticateAppToken, type AppTokenIdentity } from '#marketplace/services/installations'
export { oauthRoutes } from '#marketplace/oauth_routes'
