import type { CacheOutcome } from '#core/cache/swr_cache'
import type { RenderedMenu } from '#menu/services/public_menu'

/** Seed 1.1 CDN rule for menus: shared caches keep it 5 minutes and may serve it stale 10 more. */
export const PUBLIC_MENU_CACHE_CONTROL = 'public, s-maxage=300, stale-while-revalidate=600'
export const STAFF_CACHE_CONTROL = 'private, no-store'

export function publicMenuHeaders(
  rendered: RenderedMenu,
  outcome: CacheOutcome
): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': PUBLIC_MENU_CACHE_CONTROL,
    'ETag': rendered.etag,
    'X-Cache': outcome,
  }
}

/** If-None-Match (RFC 9110 13.1.2: weak comparison, a list, or *) against our strong ETag. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/** The query string of a raw request URL ('' when none). */
export function searchOf(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1
  return at === -1 ? '' : url!.slice(at + 1)
}
