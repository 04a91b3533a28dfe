import type { Router } from '@adonisjs/core/http'
import type { ModuleDefinition, OnboardingStep } from '#tenancy/modules/define_module'
import type { Tier } from '#tenancy/types'
import type { JobConstructor } from '#core/queue/tenant_job'
import { readBody } from '#core/http/body_middleware'
import type { PersonalDataDeclaration } from '#core/privacy/personal_data'
import type { Archivable } from '#core/archiving/archivable'

export type ModuleOverride = { module: string; enabled: boolean }
export type GateMiddleware = (module: ModuleDefinition, options?: { platform?: boolean }) => any

/**
 * The plugin registry: knows every module, orders them by dependsOn (refusing cycles and unknown
 * names), decides which modules a merchant has, and loads each module's routes, listeners and jobs.
 */
export class ModuleRegistry {
  #modules = new Map<string, ModuleDefinition>()
  #order: ModuleDefinition[] = []

  private tiers: Record<string, string[]>

  constructor(definitions: ModuleDefinition[], tiers: Record<Tier, readonly string[]>) {
    this.tiers = Object.fromEntries(
      Object.entries(tiers).map(([tier, names]) => [tier, [...names]])
    )
    for (const definition of definitions) this.#add(definition)
    this.#validate()
  }

  /** Adds a module after construction, optionally to some tiers (tests mount fixture modules this way). */
  add(definition: ModuleDefinition, tiers: Tier[] = []) {
    this.#add(definition)
    for (const tier of tiers) this.tiers[tier].push(definition.name)
    this.#validate()
  }

  #add(definition: ModuleDefinition) {
    if (this.#modules.has(definition.name))
      throw new Error(`Module "${definition.name}" is registered twice`)
    this.#modules.set(definition.name, definition)
  }

  #validate() {
    for (const module of this.#modules.values()) {
      for (const dependency of module.dependsOn ?? []) {
        if (!this.#modules.has(dependency)) {
          throw new Error(`Module "${module.name}" depends on unknown module "${dependency}"`)
        }
      }
    }
    for (const [tier, names] of Object.entries(this.tiers)) {
      for (const name of names) {
        if (!this.#modules.has(name))
          throw new Error(`Tier "${tier}" names unknown module "${name}"`)
      }
    }
    this.#order = this.#topologicalOrder()
  }

  #topologicalOrder(): ModuleDefinition[] {
    const ordered: ModuleDefinition[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return
      if (state.get(name) === 'visiting') {
        throw new Error(
          `Module dependency cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`
        )
      }
      state.set(name, 'visiting')
      const module = this.#modules.get(name)!
      for (const dependency of module.dependsOn ?? []) visit(dependency, [...path, name])
      state.set(name, 'done')
      ordered.push(module)
    }
    for (const name of [...this.#modules.keys()].sort()) visit(name, [])
    return ordered
  }

  /** Modules, dependencies first. */
  ordered(): readonly ModuleDefinition[] {
    return this.#order
  }

  get(name: string): ModuleDefinition | undefined {
    return this.#modules.get(name)
  }

  has(name: string): boolean {
    return this.#modules.has(name)
  }

  tierModules(tier: Tier): string[] {
    return [...(this.tiers[tier] ?? [])]
  }

  /**
   * The modules a merchant has: core modules, plus its tier's, plus enabled overrides, minus disabled
   * overrides; a module whose dependency is not enabled is not enabled either.
   */
  enabledModules(tier: Tier, overrides: ModuleOverride[]): string[] {
    const enabled = new Set(this.tierModules(tier))
    for (const override of overrides) {
      if (!this.#modules.has(override.module)) continue
      if (override.enabled) enabled.add(override.module)
      else enabled.delete(override.module)
    }
    const result: string[] = []
    for (const module of this.#order) {
      const on =
        module.core ||
        (enabled.has(module.name) && (module.dependsOn ?? []).every((d) => result.includes(d)))
      if (on) result.push(module.name)
    }
    return result
  }

  /** Enabled modules that depend on `name` (directly or not). */
  enabledDependents(name: string, enabled: readonly string[]): string[] {
    return this.#order
      .filter(
        (module) => enabled.includes(module.name) && this.#dependsOnTransitively(module.name, name)
      )
      .map((module) => module.name)
  }

  #dependsOnTransitively(name: string, target: string): boolean {
    const module = this.#modules.get(name)
    return (module?.dependsOn ?? []).some(
      (d) => d === target || this.#dependsOnTransitively(d, target)
    )
  }

  /** Mounts every module's routes behind its gate (core modules are tagged, never gated), in dependency order. */
  async mountRoutes(router: Router, gate: GateMiddleware) {
    for (const module of this.#order) await this.mountModuleRoutes(router, module, gate)
  }

  async mountModuleRoutes(router: Router, module: ModuleDefinition, gate: GateMiddleware) {
    if (module.routes) {
      const { default: register } = await module.routes()
      // The body first, as before any route middleware; the gate also tags the matched route with its
      // module (metrics, budgets, Sentry).
      router.group(() => register(router)).use([readBody, gate(module)])
    }
    if (module.platformRoutes) {
      // Routes of no merchant: the caller is resolved and the route tagged, no merchant is required.
      const { default: register } = await module.platformRoutes()
      router.group(() => register(router)).use([readBody, gate(module, { platform: true })])
    }
  }

  async loadListeners() {
    for (const module of this.#order) if (module.listeners) await module.listeners()
  }

  async loadJobs(): Promise<JobConstructor[]> {
    const jobs: JobConstructor[] = []
    for (const module of this.#order) {
      for (const loader of module.jobs ?? []) {
        const { default: job } = await loader()
        jobs.push(job)
      }
    }
    return jobs
  }

  async loadSchedules() {
    const schedules = []
    for (const module of this.#order) {
      for (const schedule of module.schedules ?? []) {
        const { default: job } = await schedule.job()
        schedules.push({ ...schedule, job })
      }
    }
    return schedules
  }

  /** Every module's personal-data declaration, in dependency order. */
  async loadPersonalData(): Promise<
    Array<{ module: string; declaration: PersonalDataDeclaration }>
  > {
    const declarations = []
    for (const module of this.#order) {
      if (!module.personalData) continue
      const { default: declaration } = await module.personalData()
      declarations.push({ module: module.name, declaration })
    }
    return declarations
  }

  /** Every module's onboarding steps, in dependency order. */
  async loadOnboardingSteps(): Promise<Array<{ module: string; step: OnboardingStep }>> {
    const steps = []
    for (const module of this.#order) {
      if (!module.onboarding) continue
      const { default: moduleSteps } = await module.onboarding()
      steps.push(...moduleSteps.map((step) => ({ module: module.name, step })))
    }
    return steps
  }

  /** Every module's archivables, in dependency order. */
  async loadArchives(): Promise<Archivable[]> {
    const archives: Archivable[] = []
    for (const module of this.#order) {
      if (!module.archives) continue
      const { default: moduleArchives } = await module.archives()
      archives.push(...moduleArchives)
    }
    return archives
  }
}
