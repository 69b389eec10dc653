import { z } from 'zod'

// API tokens for machine clients (issue 25, W5): request shapes and what the console shows.

/** What a token may be granted. Each names the staff routes it opens (server/tokens/scopes.ts). */
export const TOKEN_SCOPES = ['board:read', 'dossiers:read', 'dossiers:write', 'reports:read'] as const
export type TokenScope = (typeof TOKEN_SCOPES)[number]

export const ApiTokenCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length).refine((s) => new Set(s).size === s.length, 'repeated scope'),
  /** none: until revoked */
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
})
export type ApiTokenCreateBody = z.infer<typeof ApiTokenCreateBody>

/** A token as the console lists it: never its secret, only the secret's first characters. */
export interface ApiTokenView {
  id: string
  name: string
  scopes: TokenScope[]
  prefix: string
  createdBy: string | null
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
  lastUsedAddress: string | null
}
