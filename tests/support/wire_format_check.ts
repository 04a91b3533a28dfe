/**
 * The wire-format audit of a test run (docs/decisions/wire-format.md): the recorder taps the test
 * server, the socket clients and the webhook receivers; at the end of the run any camelCase key fails
 * it, listed with where it came from. A run of the whole functional suite must also have seen enough
 * routes, socket events and webhook events, so a broken tap cannot pass silently.
 */
import type { Server } from 'node:http'
import router from '@adonisjs/core/services/router'
import { camelCaseFindings, coverage, tapHttpServer } from '#tests/support/wire_format_recorder'

/** What a whole run of the functional suite reaches at least (it reaches more). */
export const FULL_RUN_MINIMUMS = { http: 60, socket: 5, webhook: 2 }

export async function tapTestServer(server: Server) {
  tapHttpServer(server, (request) => {
    const method = request.method ?? 'GET'
    const path = (request.url ?? '/').split('?', 1)[0]
    const matched = router.match(path, method)
    return `${method} ${matched ? matched.route.pattern : 'unmatched'}`
  })
}

// Read when tests/bootstrap.ts is imported, before bin/test.ts hands the arguments to Japa (which takes them).
const ARGS = process.argv.slice(2)

/** The whole suite runs when no filter narrows it (`--files`, `--tests`, `--groups`, `--tags`). */
function wholeFunctionalSuite() {
  const args = ARGS
  const filtered = args.some((arg) =>
    ['--files', '--tests', '--groups', '--tags'].some((flag) => arg.startsWith(flag))
  )
  const suites = args.filter((arg) => !arg.startsWith('-'))
  return !filtered && (suites.length === 0 || suites.includes('functional'))
}

/** The problems of the run, if any (also used by tests/functional/core/wire_format.spec.ts). */
export function wireFormatProblems(whole = wholeFunctionalSuite()): string[] {
  const seen = coverage()
  const problems = camelCaseFindings().map(
    (f) => `camelCase key ${f.path} in ${f.channel} ${f.source}`
  )
  if (whole) {
    for (const channel of Object.keys(FULL_RUN_MINIMUMS) as Array<keyof typeof FULL_RUN_MINIMUMS>) {
      if (seen[channel] < FULL_RUN_MINIMUMS[channel]) {
        problems.push(
          `the audit saw ${seen[channel]} distinct ${channel} sources, fewer than the ${FULL_RUN_MINIMUMS[channel]} a whole run reaches`
        )
      }
    }
  }
  return problems
}

/**
 * Runner teardown. It runs before Japa prints its summary, so it reports and sets the exit code
 * rather than throwing (a throw would hide the summary).
 */
export function checkWireFormat() {
  const seen = coverage()
  const problems = wireFormatProblems()
  if (problems.length) {
    const lines = problems.map((problem) => `  ${problem}`).join('\n')
    console.error(
      `\nWire format (snake_case only, docs/decisions/wire-format.md) failed after ${JSON.stringify(seen)}:\n${lines}\n`
    )
    process.exitCode = 1
    return
  }
  console.log(
    `wire format: ${seen.bodies} JSON bodies checked (${seen.http} routes, ${seen.socket} socket events, ${seen.webhook} webhook events), no camelCase key`
  )
}
