import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { CliError, EXIT } from './cli_error.js'

export type CliConfig = { url: string; token: string; email: string; savedAt: string }

/** ~/.config/gudbro/config.json (GUDBRO_CONFIG overrides), readable by its owner only: it holds a token. */
export function configPath() {
  return (
    process.env.GUDBRO_CONFIG ??
    join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'gudbro', 'config.json')
  )
}

export async function saveConfig(config: CliConfig) {
  const path = configPath()
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 })
  // writeFile keeps the mode of a file that already existed: set it again.
  await chmod(path, 0o600)
  return path
}

export async function loadConfig(): Promise<CliConfig> {
  let text: string
  try {
    text = await readFile(configPath(), 'utf8')
  } catch {
    throw new CliError('Not logged in: run "gudbro login --url <platform>" first', EXIT.auth)
  }
  try {
    const config = JSON.parse(text)
    if (typeof config.url !== 'string' || typeof config.token !== 'string')
      throw new Error('incomplete')
    return config
  } catch {
    throw new CliError(
      `The config file ${configPath()} is damaged: run "gudbro login" again`,
      EXIT.auth
    )
  }
}

export async function removeConfig() {
  await rm(configPath(), { force: true })
}
