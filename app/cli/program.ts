import { writeFile } from 'node:fs/promises'
import { Command, CommanderError } from 'commander'
import { ApiClient } from './api_client.js'
import { CliError, EXIT } from './cli_error.js'
import { configPath, loadConfig, removeConfig, saveConfig } from './config_store.js'
import { printJson, printTable } from './output.js'
import { ask } from './prompt.js'
import { addShardCommands } from './shards.js'

type Global = { json?: boolean }

async function client() {
  const config = await loadConfig()
  return new ApiClient(config.url, config.token)
}

/** One call to the platform with the saved login. */
async function call(...args: Parameters<ApiClient['request']>) {
  const api = await client()
  return api.request(...args)
}

function requireReason(reason: string | undefined) {
  if (!reason || reason.trim().length < 3)
    throw new CliError(
      '--reason is required (at least 3 characters): it goes into the audit log',
      EXIT.usage
    )
  return reason.trim()
}

function subject(options: { email?: string; phone?: string }) {
  if (!options.email && !options.phone)
    throw new CliError('Name the data subject with --email or --phone', EXIT.usage)
  return { email: options.email, phone: options.phone }
}

/** Six digits are an authenticator code; anything else is taken as a recovery code. */
function secondFactorProof(code: string) {
  const trimmed = code.trim()
  return /^\d{3} ?\d{3}$/.test(trimmed) ? { code: trimmed } : { recovery_code: trimmed }
}

function log(message: string) {
  process.stderr.write(message + '\n')
}

/**
 * The support CLI: our support staff's terminal client for the admin API (/api/v1/admin). Tables for
 * people, --json for scripts; progress and messages go to stderr so stdout stays clean.
 */
export function buildProgram() {
  const program = new Command('gudbro')
    .description('GUDBRO Verticals support CLI')
    .option('--json', 'print JSON (for scripts)')
    .showHelpAfterError()
    .exitOverride()
  const globals = (): Global => program.opts<Global>()

  program
    .command('login')
    .description('Sign in as a support user and keep the token (config file readable by you only)')
    .requiredOption('--url <platform>', 'platform URL, e.g. https://app.gudbro.example')
    .option('--email <email>', 'support account email')
    .option('--password <password>', 'password (or GUDBRO_PASSWORD; prompted on a terminal)')
    .option(
      '--code <code>',
      'second-factor code or recovery code (or GUDBRO_CODE; prompted on a terminal)'
    )
    .action(async (options: { url: string; email?: string; password?: string; code?: string }) => {
      let url: URL
      try {
        url = new URL(options.url)
      } catch {
        throw new CliError(`--url is not a URL: ${options.url}`, EXIT.usage)
      }
      const email = options.email ?? (await ask('Email: ', { flag: '--email' }))
      const password =
        options.password ??
        process.env.GUDBRO_PASSWORD ??
        (await ask('Password: ', { flag: '--password', secret: true }))
      const api = new ApiClient(url.origin)
      let result = await api.request('POST', '/api/v1/auth/login', { body: { email, password } })
      if (result.second_factor_required) {
        // Asked only after the password was accepted: the code is spent by this login alone.
        const code =
          options.code ??
          process.env.GUDBRO_CODE ??
          (await ask('Authenticator code (or a recovery code): ', { flag: '--code' }))
        result = await api.request('POST', '/api/v1/auth/login/second-factor', {
          body: { challenge: result.challenge, ...secondFactorProof(code) },
        })
      }
      if (result.user?.platform_role !== 'support')
        log('warning: this account does not have the support role; admin commands will be refused')
      const path = await saveConfig({
        url: url.origin,
        token: result.token,
        email: result.user.email,
        savedAt: new Date().toISOString(),
      })
      if (globals().json)
        printJson({
          url: url.origin,
          email: result.user.email,
          platform_role: result.user.platform_role,
          config: path,
        })
      else log(`Logged in to ${url.origin} as ${result.user.email} (token kept in ${path})`)
    })

  program
    .command('logout')
    .description('Revoke the token and forget it')
    .action(async () => {
      const api = await client().catch(() => null)
      if (api) await api.request('POST', '/api/v1/auth/logout').catch(() => {})
      await removeConfig()
      log(`Logged out (${configPath()} removed)`)
    })

  const merchants = program.command('merchants').description('Merchants')
  merchants
    .command('list')
    .description('List merchants')
    .option('--status <status>', 'active or suspended')
    .option('--page <n>', 'page', '1')
    .option('--per-page <n>', 'rows per page', '50')
    .action(async (options: { status?: string; page: string; perPage: string }) => {
      const result = await call('GET', '/api/v1/admin/merchants', {
        query: { status: options.status, page: options.page, per_page: options.perPage },
      })
      if (globals().json) return printJson(result)
      printTable(
        ['slug', 'name', 'vertical', 'tier', 'status', 'shard', 'id'],
        result.data.map((m: any) => [
          m.slug,
          m.name,
          m.vertical,
          m.tier,
          m.status,
          m.shard_id,
          m.id,
        ])
      )
      log(`page ${result.meta.page}, ${result.data.length} of ${result.meta.total}`)
    })

  for (const action of ['suspend', 'reactivate'] as const) {
    merchants
      .command(`${action} <merchant>`)
      .description(
        action === 'suspend'
          ? 'Suspend a merchant (slug or id): every request and live connection refused'
          : 'Reactivate a suspended merchant'
      )
      .option('--reason <text>', 'why (required; audited)')
      .action(async (merchant: string, options: { reason?: string }) => {
        const result = await call(
          'POST',
          `/api/v1/admin/merchants/${encodeURIComponent(merchant)}/${action}`,
          {
            body: { reason: requireReason(options.reason) },
          }
        )
        if (globals().json) return printJson(result)
        log(`${merchant} is now ${result.data.status}`)
      })
  }

  program
    .command('members')
    .description("A merchant's members")
    .command('remove <merchant> <user-id>')
    .description('Remove a member: their tokens for this merchant and live connections end at once')
    .option('--reason <text>', 'why (required; audited)')
    .action(async (merchant: string, userId: string, options: { reason?: string }) => {
      const path = `/api/v1/admin/merchants/${encodeURIComponent(merchant)}/members/${encodeURIComponent(userId)}`
      await call('DELETE', path, { body: { reason: requireReason(options.reason) } })
      if (globals().json) return printJson({ merchant, user_id: userId, removed: true })
      log(`${userId} removed from ${merchant}`)
    })

  const modules = program.command('modules').description("A merchant's modules")
  modules
    .command('list <merchant>')
    .description("Show a merchant's modules and why each is on or off")
    .action(async (merchant: string) => {
      const result = await call(
        'GET',
        `/api/v1/admin/merchants/${encodeURIComponent(merchant)}/modules`
      )
      if (globals().json) return printJson(result)
      printTable(
        ['module', 'enabled', 'source', 'reason'],
        result.data.map((m: any) => [m.module, m.enabled ? 'yes' : 'no', m.source, m.reason])
      )
    })
  for (const action of ['enable', 'disable'] as const) {
    modules
      .command(`${action} <merchant> <module>`)
      .description(
        `${action === 'enable' ? 'Enable' : 'Disable'} a module for a merchant (slug or id)`
      )
      .option('--reason <text>', 'why (kept with the override)')
      .action(async (merchant: string, module: string, options: { reason?: string }) => {
        const result = await call(
          'POST',
          `/api/v1/admin/merchants/${encodeURIComponent(merchant)}/modules/${encodeURIComponent(module)}/${action}`,
          { body: options.reason ? { reason: options.reason } : {} }
        )
        if (globals().json) return printJson(result)
        log(`${module} ${action}d for ${merchant}; modules now: ${result.data.modules.join(', ')}`)
      })
  }

  const gdpr = program.command('gdpr').description('Data-subject requests (GDPR)')
  gdpr
    .command('export')
    .description('Export everything held about a data subject (Art. 15/20)')
    .option('--email <email>', 'subject email (account or guest)')
    .option('--phone <phone>', 'subject phone (guest)')
    .option('--reason <text>', 'why (required; audited)')
    .option('--out <file>', 'write the export here (mode 0600) instead of stdout')
    .action(async (options: { email?: string; phone?: string; reason?: string; out?: string }) => {
      const body = { ...subject(options), reason: requireReason(options.reason) }
      log('exporting (every shard)...')
      const document = await call('POST', '/api/v1/admin/gdpr/exports', { body })
      const rows = Object.values<number>(document.counts ?? {}).reduce((sum, n) => sum + n, 0)
      if (!options.out) return printJson(document)
      await writeFile(options.out, JSON.stringify(document, null, 2) + '\n', { mode: 0o600 })
      if (globals().json)
        return printJson({
          request_id: document.request_id,
          out: options.out,
          rows,
          counts: document.counts,
        })
      log(`request ${document.request_id}: ${rows} row(s) written to ${options.out}`)
    })
  gdpr
    .command('erase')
    .description('Erase a data subject (Art. 17): anonymized now, hard delete in 90 days')
    .option('--email <email>', 'subject email (account or guest)')
    .option('--phone <phone>', 'subject phone (guest)')
    .option('--reason <text>', 'why (required; audited)')
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: { email?: string; phone?: string; reason?: string; yes?: boolean }) => {
      const body = { ...subject(options), reason: requireReason(options.reason) }
      if (!options.yes) {
        const answer = await ask(
          `Erase ${body.email ?? body.phone} everywhere? This cannot be undone. Type "erase": `,
          { flag: '--yes' }
        )
        if (answer !== 'erase') throw new CliError('Not confirmed: nothing erased', EXIT.failure)
      }
      const result = await call('POST', '/api/v1/admin/gdpr/erasures', { body })
      const receipt = result.data
      if (globals().json) return printJson(receipt)
      printTable(['table', 'rows anonymized'], Object.entries(receipt.anonymized))
      log(
        `request ${receipt.id}: legal deadline ${receipt.legal_deadline}; hard delete due ${receipt.hard_delete_due_at}`
      )
    })
  gdpr
    .command('requests')
    .description('List data-subject requests and their deadlines')
    .option('--all', 'include finished requests')
    .action(async (options: { all?: boolean }) => {
      const result = await call('GET', '/api/v1/admin/gdpr/requests', {
        query: { open: options.all ? undefined : true, per_page: 200 },
      })
      if (globals().json) return printJson(result)
      printTable(
        ['id', 'kind', 'status', 'received', 'legal deadline', 'hard delete due'],
        result.data.map((r: any) => [
          r.id,
          r.kind,
          r.status,
          r.received_at,
          r.legal_deadline,
          r.hard_delete_due_at,
        ])
      )
    })

  addShardCommands(program, { call, json: () => Boolean(globals().json), log, requireReason })

  return program
}

/** Runs the CLI and returns its exit code (never throws). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv, { from: 'user' })
    return EXIT.ok
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`)
      return error.exitCode
    }
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return EXIT.failure
  }
}
