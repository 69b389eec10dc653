import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The API token a request acts through, for the rows it writes: the audit log and dossier events name it
 * (`api_token_id`) without every service passing it along. Set by the bearer middleware (server/tokens/bearer.ts)
 * around the rest of the request; unset for staff sessions and for the app's own sweeps.
 */
const acting = new AsyncLocalStorage<{ tokenId: string }>()

export function runAsToken<T>(tokenId: string, fn: () => T): T {
  return acting.run({ tokenId }, fn)
}

/** The token behind the current request, or null. */
export function actingTokenId(): string | null {
  return acting.getStore()?.tokenId ?? null
}
