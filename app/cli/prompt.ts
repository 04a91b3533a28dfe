import { createInterface } from 'node:readline/promises'
import { CliError, EXIT } from './cli_error.js'

/** Asks on the terminal; refuses when there is none (scripts pass flags instead). */
export async function ask(
  question: string,
  options: { secret?: boolean; flag: string }
): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError(`${options.flag} is required when not on a terminal`, EXIT.usage)
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  if (options.secret) {
    // Echo nothing while the password is typed.
    ;(rl as any)._writeToOutput = (text: string) => {
      if (text.startsWith(question)) process.stdout.write(question)
    }
  }
  try {
    const answer = await rl.question(question)
    if (options.secret) process.stdout.write('\n')
    return answer.trim()
  } finally {
    rl.close()
  }
}
