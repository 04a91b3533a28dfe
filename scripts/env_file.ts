/**
 * The `.env` that `npm start` leaves behind for operator commands (`node ace ...`) in another terminal,
 * following the AdonisJS convention: Adonis reads it at boot, and a variable set in the environment
 * still wins over it. `.env.example` (committed) lists every variable of start/env.ts.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'

const ROOT = new URL('../', import.meta.url).pathname

/** Where Adonis looks for dot-env files: ENV_PATH when set (relative to the app root), else the app root. */
export function envDirectory() {
  const path = process.env.ENV_PATH
  return path ? (isAbsolute(path) ? path : join(ROOT, path)) : ROOT
}

/** The variable names of a dot-env file, in order (commented-out `# KEY=` lines included). */
export function envKeys(text: string): string[] {
  return [...text.matchAll(/^\s*#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1])
}

/** The variables start/env.ts validates, as documented by .env.example. */
export function documentedKeys(): string[] {
  return envKeys(readFileSync(join(ROOT, '.env.example'), 'utf8'))
}

/** A value as Adonis reads it back: `$` escaped (Adonis interpolates), quoted when dotenv would cut it. */
function quote(key: string, value: string) {
  const escaped = value.replaceAll('$', '\\$')
  if (!/[\s#'"`]/.test(escaped)) return escaped
  if (!escaped.includes("'")) return `'${escaped}'`
  if (!escaped.includes('"')) return `"${escaped}"`
  throw new Error(`cannot write ${key} to .env: its value has both kinds of quotes`)
}

/**
 * Writes `values` into <envDirectory>/.env, keeping every other line of an existing file (the
 * operator's own settings) and replacing the lines of the keys written. Mode 0600: it holds secrets.
 */
export function writeEnvFile(values: Record<string, string>, header: string) {
  const path = join(envDirectory(), '.env')
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [`# ${header}`]
  const pending = new Map(Object.entries(values))
  const kept = lines.map((line) => {
    const key = /^\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]
    if (!key || !pending.has(key)) return line
    const value = pending.get(key)!
    pending.delete(key)
    return `${key}=${quote(key, value)}`
  })
  while (kept.length && kept[kept.length - 1] === '') kept.pop()
  for (const [key, value] of pending) kept.push(`${key}=${quote(key, value)}`)
  writeFileSync(path, kept.join('\n') + '\n', { mode: 0o600 })
  // The mode above applies only to a new file; an older .env may be readable by others.
  chmodSync(path, 0o600)
  return path
}

/** The value of one key in <envDirectory>/.env, if the file has it. */
export function readEnvValue(key: string): string | undefined {
  const path = join(envDirectory(), '.env')
  if (!existsSync(path)) return undefined
  const line = readFileSync(path, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${key}=`))
  return line
    ?.slice(key.length + 1)
    .replace(/^(['"])(.*)\1$/, '$2')
    .replaceAll('\\$', '$')
}
