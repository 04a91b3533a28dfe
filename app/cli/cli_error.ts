/** Exit codes of the gudbro CLI (scripts can tell failures apart). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  forbidden: 4,
  notFound: 5,
  invalid: 6,
  unreachable: 7,
} as const

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure
  ) {
    super(message)
  }
}
