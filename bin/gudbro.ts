/*
 * The support CLI (`gudbro`): see app/cli/program.ts. It talks to the platform over HTTP
 * only, so it does not boot the application.
 */
import { runCli } from '#cli/program'

process.exitCode = await runCli(process.argv.slice(2))
