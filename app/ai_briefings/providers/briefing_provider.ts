import type { BriefingFigures } from '#ai_briefings/figures'

export type BriefingText = { headline: string; body: string }

/**
 * Writes a daily briefing from the figures. The local provider is deterministic and needs nothing;
 * the OpenAI-compatible one is used only when its key is configured.
 */
export interface BriefingProvider {
  readonly name: string
  write(figures: BriefingFigures): Promise<BriefingText>
}
