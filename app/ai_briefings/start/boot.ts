/**
 * Loaded in every process with the module's listeners: binds the briefing provider in the
 * container. It is resolved for each briefing, as AI_BRIEFINGS_API_KEY says at that moment; tests
 * replace it with `app.container.swap(BriefingProvider, ...)`.
 */
import app from '@adonisjs/core/services/app'
import { BriefingProvider } from '#ai_briefings/providers/briefing_provider'
import { briefingProvider } from '#ai_briefings/providers/provider_factory'

app.container.bind(BriefingProvider, () => briefingProvider())

/** The registry only imports this file; the default export marks it as loaded. */
export default true
