/*
 * Ace entry point (node ace <command>).
 */
import 'reflect-metadata'
import { userInfo } from 'node:os'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { runWithActor } from '#core/database/actor_context'
import { gracefulShutdown } from '#core/process/graceful_shutdown'

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

const argv = process.argv.splice(2)
// Writes made by an operator's command are audited as that command's (the audit trigger reads this);
// the test runner and the servers set their own actors per request and job.
const command = argv.find((arg) => !arg.startsWith('-')) ?? ''
// The test runner and the dev server manage child processes of their own: they keep Adonis's signal handling.
const DEV_TOOLS = ['test', 'serve']
const actor = ['test', 'serve', 'queue:work'].includes(command)
  ? undefined
  : {
      id: null,
      type: 'command' as const,
      userAgent: `ace ${command} (server account ${userInfo().username})`,
    }

const run = () =>
  new Ignitor(APP_ROOT, { importer: IMPORTER })
    .tap((app) => {
      app.booting(async () => {
        await import('#start/env')
      })
      if (DEV_TOOLS.includes(command)) {
        app.listen('SIGTERM', () => app.terminate())
        app.listenIf(app.managedByPm2, 'SIGINT', () => app.terminate())
      } else {
        // Bounded: a command (queue:work drains its jobs first, see commands/core/queue_work.ts) closes and exits.
        gracefulShutdown.then('app: close providers', () => app.terminate()).install()
      }
    })
    .ace()
    .handle(argv)
    .catch((error) => {
      process.exitCode = 1
      prettyPrintError(error)
    })

await (actor ? runWithActor(actor, run) : run())
