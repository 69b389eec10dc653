import type { TokenScope } from '../../common/token-schemas.js'

/**
 * The staff routes a token may call, each under one scope (method and Express path, as the routers declare
 * them). A route not listed answers a token 403 TOKEN_SCOPE, whatever its scopes: managing staff, settings,
 * tokens themselves and the counters' work stay with people. A token passes a route's `requireRole(...)`
 * only through this list (never as an admin), and the route's center check then applies to its one center.
 */
export const ROUTE_SCOPES: Record<string, TokenScope> = {
  // the board is public; the floor, counters and their queues are the tickets' staff view
  'GET /centers/:center/floor': 'board:read',
  'GET /centers/:center/counters': 'board:read',
  'GET /counters/:id/queue': 'board:read',
  'GET /dossiers': 'dossiers:read',
  'GET /dossiers/:id': 'dossiers:read',
  'GET /dossiers/:id/attachments/:attachmentId': 'dossiers:read',
  'POST /dossiers': 'dossiers:write',
  'POST /dossiers/:id/status': 'dossiers:write',
  'POST /dossiers/:id/extend': 'dossiers:write',
  'POST /dossiers/:id/receive': 'dossiers:write',
  // the electronic result and the province's code of a dossier (issue 25 "Inbound": server/dossiers/dossier-result.routes.ts)
  'GET /dossiers/:id/result': 'dossiers:read',
  'PUT /dossiers/:id/result': 'dossiers:write',
  'PUT /dossiers/:id/provincial-code': 'dossiers:write',
  'GET /centers/:center/provincial-dossiers/:provincialCode': 'dossiers:read',
  'POST /centers/:center/provincial-dossiers/:provincialCode/status': 'dossiers:write',
  'PUT /centers/:center/provincial-dossiers/:provincialCode/result': 'dossiers:write',
  'GET /reports/summary': 'reports:read',
}

/** The scope a route needs (`method` upper case, `path` as its router declares it), or undefined: no token may call it. */
export function scopeOf(method: string, path: string): TokenScope | undefined {
  return ROUTE_SCOPES[`${method === 'HEAD' ? 'GET' : method} ${path}`]
}
