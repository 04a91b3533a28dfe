import type { Router } from '@adonisjs/core/http'
import type { ApiBudgetCategory } from '#core/observability/budgets'
import type { JobConstructor } from '#core/queue/tenant_job'
import type { PersonalDataDeclaration } from '#core/privacy/personal_data'
import type { Archivable } from '#core/archiving/archivable'

/**
 * One step of a new merchant's onboarding checklist that a module answers (GET
 * /api/v1/tenancy/onboarding): `done` runs inside the merchant's tenant context and reads the
 * module's own tables (tenantDb), so the core never knows them. Shown only to merchants that have
 * the module.
 */
export type OnboardingStep = {
  /** Stable snake_case id, e.g. 'menu_item'. */
  id: string
  title: string
  /** Where in the backoffice the step is done (a path under /admin). */
  path?: string
  done: () => Promise<boolean>
}

type Loader<T> = () => Promise<{ default: T }>

export type ModuleSchedule = {
  /** Stable name: the repeatable job's key, so a schedule fires once however many processes run. */
  name: string
  cron: string
  /** IANA time zone the cron is read in (default UTC). */
  tz?: string
  job: Loader<JobConstructor>
  payload?: Record<string, unknown>
  /** Also run once whenever a worker starts (catch-up work such as an outbox sweep). */
  runOnStart?: boolean
}

export type ModuleDefinition = {
  name: string
  /** A core module is on for every merchant and cannot be disabled. */
  core?: boolean
  dependsOn?: string[]
  /** Registers the module's routes; the registry mounts them behind the module gate. */
  routes?: Loader<(router: Router) => void>
  /**
   * Routes that serve no merchant (a module's developer or platform-support API): mounted behind the
   * gate's caller resolution and module tag, without the per-merchant check (they have no merchant).
   */
  platformRoutes?: Loader<(router: Router) => void>
  listeners?: Loader<unknown>
  jobs?: Array<Loader<JobConstructor>>
  schedules?: ModuleSchedule[]
  /** Performance budget category of the module's routes (app/core/observability/budgets.ts). */
  budget?: ApiBudgetCategory
  /** The module's personal-data tables (GDPR export and erasure, schema scan): see #core/privacy/personal_data. */
  personalData?: Loader<PersonalDataDeclaration>
  /** Cold data moved out of hot tables by `archive:run`: see #core/archiving/archivable. */
  archives?: Loader<Archivable[]>
  /** Steps this module adds to a new merchant's onboarding checklist. */
  onboarding?: Loader<OnboardingStep[]>
}

const KEYS = new Set([
  'name',
  'core',
  'dependsOn',
  'routes',
  'platformRoutes',
  'listeners',
  'jobs',
  'schedules',
  'budget',
  'personalData',
  'archives',
  'onboarding',
])
const NAME = /^[a-z][a-z0-9_]*$/

/**
 * Declares a plugin module. Checks its input eagerly and names the bad key, so a typo fails
 * at boot instead of silently disabling a feature.
 */
export function defineModule(definition: ModuleDefinition): Readonly<ModuleDefinition> {
  const where = `defineModule(${JSON.stringify(definition?.name ?? '?')})`
  if (!definition || typeof definition !== 'object')
    throw new Error('defineModule expects an object')
  for (const key of Object.keys(definition)) {
    if (!KEYS.has(key)) throw new Error(`${where}: unknown key "${key}"`)
  }
  if (typeof definition.name !== 'string' || !NAME.test(definition.name)) {
    throw new Error(`${where}: "name" must be snake_case (got ${JSON.stringify(definition.name)})`)
  }
  if (definition.dependsOn !== undefined) {
    if (
      !Array.isArray(definition.dependsOn) ||
      definition.dependsOn.some((d) => typeof d !== 'string')
    ) {
      throw new Error(`${where}: "dependsOn" must be an array of module names`)
    }
    if (definition.dependsOn.includes(definition.name))
      throw new Error(`${where}: "dependsOn" names the module itself`)
  }
  for (const key of [
    'routes',
    'platformRoutes',
    'listeners',
    'personalData',
    'archives',
    'onboarding',
  ] as const) {
    if (definition[key] !== undefined && typeof definition[key] !== 'function') {
      throw new Error(`${where}: "${key}" must be a lazy import () => import(...)`)
    }
  }
  if (
    definition.jobs !== undefined &&
    (!Array.isArray(definition.jobs) || definition.jobs.some((j) => typeof j !== 'function'))
  ) {
    throw new Error(`${where}: "jobs" must be an array of lazy imports`)
  }
  for (const [index, schedule] of (definition.schedules ?? []).entries()) {
    if (!schedule?.name || !schedule.cron || typeof schedule.job !== 'function') {
      throw new Error(`${where}: "schedules[${index}]" needs name, cron and job`)
    }
  }
  return Object.freeze({ ...definition })
}
