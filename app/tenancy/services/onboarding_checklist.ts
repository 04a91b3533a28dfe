import User from '#tenancy/models/user'
import { moduleRegistry } from '#tenancy/services/module_registry_service'
import type { MerchantSnapshot } from '#tenancy/types'

export type ChecklistStep = {
  id: string
  title: string
  /** The module that answers it (tenancy for the core's own steps). */
  module: string
  /** False for a step the platform cannot do yet: shown, never counted. */
  available: boolean
  done: boolean
  path: string | null
}

/**
 * A new merchant's onboarding checklist, computed from its data on each call: the core's steps
 * (verified address) and each enabled module's (declared with `onboarding` in its defineModule,
 * answered from the module's own tables inside the tenant context). Bookings are not built, so no
 * step names them; QR codes are not built either, so their step is listed as not available.
 */
export async function onboardingChecklist(merchant: MerchantSnapshot, userId: string) {
  const user = await User.find(userId)
  const steps: ChecklistStep[] = [
    {
      id: 'verify_email',
      title: 'Verify your email address (your public menu goes live)',
      module: 'tenancy',
      available: true,
      done: Boolean(user?.emailVerifiedAt),
      path: null,
    },
  ]
  const declared = await moduleRegistry().loadOnboardingSteps()
  const contributed = declared.filter(({ module }) => merchant.modules.includes(module))
  const answers = await Promise.all(contributed.map(({ step }) => step.done()))
  contributed.forEach(({ module, step }, index) =>
    steps.push({
      id: step.id,
      title: step.title,
      module,
      available: true,
      done: answers[index],
      path: step.path ?? null,
    })
  )
  steps.push({
    id: 'qr_codes',
    title: 'Print QR codes for your tables (coming soon)',
    module: 'tenancy',
    available: false,
    done: false,
    path: null,
  })
  const counted = steps.filter((step) => step.available)
  return {
    published: merchant.published !== false,
    completed: counted.filter((step) => step.done).length,
    total: counted.length,
    steps,
  }
}
