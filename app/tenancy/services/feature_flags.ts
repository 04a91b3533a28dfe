import statsigPkg from 'statsig-node'
import env from '#start/env'

// statsig-node's named export is undefined at run time under ESM; its default export is the client.
type StatsigUser = { userID: string; custom?: Record<string, string> }
type StatsigClient = {
  initialize(secretKey: string, options?: Record<string, unknown>): Promise<unknown>
  overrideGate(gate: string, value: boolean, userID?: string): void
  checkGateSync(user: StatsigUser, gate: string): boolean
  shutdownAsync(timeout?: number): Promise<void>
}
const statsig = ((statsigPkg as any).default ?? statsigPkg) as StatsigClient

export type FlagSubject = { merchantId: string; tier: string; userId?: string }

/**
 * Feature flags over statsig-node: local mode (no network) unless STATSIG_SERVER_KEY is set, plus
 * overrides from FEATURE_OVERRIDES ({"gate": true}). Evaluated with the merchant id and tier as
 * custom fields. Module kill switches are gates named `kill_module_<name>`.
 */
class FeatureFlags {
  #ready: Promise<void> | undefined
  #localOverrides = new Map<string, boolean>()

  init(): Promise<void> {
    this.#ready ??= (async () => {
      const serverKey = env.get('STATSIG_SERVER_KEY')
      await statsig.initialize(serverKey ?? 'secret-local-mode', {
        localMode: !serverKey,
        disableDiagnostics: true,
      })
      const overrides = JSON.parse(env.get('FEATURE_OVERRIDES') ?? '{}') as Record<string, boolean>
      for (const [gate, value] of Object.entries(overrides)) this.override(gate, value)
    })()
    return this.#ready
  }

  /** Sets a gate for everyone in this process (config overrides, operators, tests). */
  override(gate: string, value: boolean) {
    this.#localOverrides.set(gate, value)
    statsig.overrideGate(gate, value)
  }

  clearOverride(gate: string) {
    this.#localOverrides.delete(gate)
    statsig.overrideGate(gate, false)
  }

  isEnabled(gate: string, subject: FlagSubject): boolean {
    if (!this.#ready) return this.#localOverrides.get(gate) ?? false
    return statsig.checkGateSync(
      {
        userID: subject.userId ?? `merchant:${subject.merchantId}`,
        custom: { merchantId: subject.merchantId, tier: subject.tier },
      },
      gate
    )
  }

  moduleKilled(module: string, subject: FlagSubject): boolean {
    return this.isEnabled(`kill_module_${module}`, subject)
  }

  async shutdown() {
    if (this.#ready) await statsig.shutdownAsync()
    this.#ready = undefined
  }
}

export const featureFlags = new FeatureFlags()
