import router from '@adonisjs/core/services/router'

const WebController = () => import('#web/web_controller')

/** The browser apps. Mounted after the API so /api/* never falls through to them. */
router.get('/assets/*', [WebController, 'asset'])
router.get('/admin', [WebController, 'admin'])
router.get('/admin/*', [WebController, 'admin'])
router.get('/m/sw.js', [WebController, 'serviceWorker'])
router.get('/m/:slug/manifest.webmanifest', [WebController, 'manifest'])
router.get('/m/:slug', [WebController, 'menu'])
router.get('/m/:slug/*', [WebController, 'menu'])
