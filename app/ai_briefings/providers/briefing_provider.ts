import type { BriefingFigures } from '#ai_briefings/figures'

export type BriefingText = { headline: string; body: string }

/**
 * Writes a daily briefing from the figures. The local provider is deterministic and needs nothing;
 * the OpenAI-compatible one is used only when its key is configured. An abstract class rather than
 * an interface so that it can be the container binding (app/ai_briefings/start/boot.ts) that tests
 * swap.
 */
export abstract class BriefingProvider {
  abstract readonly name: string
  abstract write(figures: BriefingFigures): Promise<BriefingText>
}
