/*
 * The support CLI (`gudbro`): see app/compliance/cli/program.ts. It talks to the platform over HTTP
 * only, so it does not boot the application.
 */
import { runCli } from '../app/compliance/cli/program.js'

process.exitCode = await runCli(process.argv.slice(2))
