import env from '#start/env'
import { LocalBriefingProvider } from '#ai_briefings/providers/local_provider'
import { OpenAiBriefingProvider } from '#ai_briefings/providers/openai_provider'
import type { BriefingProvider } from '#ai_briefings/providers/briefing_provider'

/** The OpenAI-compatible provider when AI_BRIEFINGS_API_KEY is set; the local one otherwise. */
export function briefingProvider(): BriefingProvider {
  const apiKey = env.get('AI_BRIEFINGS_API_KEY')
  if (!apiKey) return new LocalBriefingProvider()
  return new OpenAiBriefingProvider({
    apiKey,
    baseUrl: env.get('AI_BRIEFINGS_BASE_URL') ?? 'https://api.openai.com/v1',
    model: env.get('AI_BRIEFINGS_MODEL') ?? 'gpt-4o-mini',
  })
}
