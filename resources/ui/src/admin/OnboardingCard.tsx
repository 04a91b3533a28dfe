import { useState } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../shared/api'
import { useStaffApi } from './session'

type Step = { id: string; title: string; module: string; available: boolean; done: boolean; path: string | null }
type Checklist = { published: boolean; completed: number; total: number; steps: Step[] }

/** The onboarding checklist on the backoffice's first screen, until every step is done. */
export function OnboardingCard() {
  const staffApi = useStaffApi()
  const queryClient = useQueryClient()
  const checklist = useQuery({ queryKey: ['onboarding'], queryFn: () => staffApi<Checklist>('/api/v1/tenancy/onboarding') })
  const [resent, setResent] = useState<string | null>(null)
  if (!checklist.data || checklist.data.completed === checklist.data.total) return null
  const { steps, completed, total, published } = checklist.data

  async function resend() {
    try {
      const result = await staffApi<{ sent_to: string }>('/api/v1/auth/verify-email/resend', { method: 'POST' })
      setResent(`A new link is on its way to ${result.sent_to}.`)
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'E_EMAIL_ALREADY_VERIFIED') {
        await queryClient.invalidateQueries({ queryKey: ['onboarding'] })
        return
      }
      setResent(failure instanceof ApiError ? failure.message : 'Could not reach the server')
    }
  }

  return (
    <section className="card onboarding" aria-labelledby="onboarding_title">
      <h2 id="onboarding_title">
        Get your shop ready ({completed} of {total})
      </h2>
      {!published && <p className="muted">Your public menu goes live once your email address is verified.</p>}
      <ul>
        {steps.map((step) => (
          <li key={step.id} data-step={step.id} data-done={step.done}>
            <span aria-hidden="true">{step.done ? '✓' : step.available ? '○' : '–'}</span>{' '}
            {step.path && !step.done ? <a href={step.path}>{step.title}</a> : step.title}
            {step.id === 'verify_email' && !step.done && (
              <>
                {' '}
                <button type="button" className="secondary" onClick={resend}>Send the link again</button>
              </>
            )}
          </li>
        ))}
      </ul>
      {resent && <p role="status">{resent}</p>}
    </section>
  )
}
