import type { Express } from 'express'
import { validatorShapes, type Shapes } from './validate.js'
import { requiredRole, type RouteAccess } from '../auth/auth.middleware.js'

/**
 * One route of the app: its method, its Express path (with its routers' prefixes), the schemas its
 * `validate()` checks (none: it reads no input) and who may call it (`requireRole`/`requireSession`; none: anyone).
 */
export interface AppRoute { method: string; path: string; shapes: Shapes; access?: RouteAccess }
export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`

interface LayerLike {
  rawPath?: unknown
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] }
  handle?: { stack?: LayerLike[] }
}

/**
 * Every route of the app (Express 5's router stack, nested routers included), one per method and path,
 * with the schemas of its `validate()` (server/http/validate.ts keeps them for this). The fuzz (bench/fuzz.ts)
 * and the OpenAPI document (server/http/openapi.ts) both read the app through it, so neither lists routes by hand.
 */
export function walkRoutes(app: Express): AppRoute[] {
  const found = new Map<string, AppRoute>()
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = prefix + String(layer.route.path)
        const shapes = layer.route.stack.map((l) => validatorShapes(l.handle)).find((s) => s !== undefined)
        const access = layer.route.stack.map((l) => requiredRole(l.handle)).find((s) => s !== undefined)
        for (const m of Object.keys(layer.route.methods)) {
          const method = m === '_all' ? 'POST' : m.toUpperCase()
          const key = routeKey({ method, path })
          // a path can be registered twice (a route-level body limit before the route): one route, its schemas merged
          const before = found.get(key)
          found.set(key, { method, path, shapes: { ...before?.shapes, ...shapes }, access: access ?? before?.access })
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath === '/' || layer.rawPath === undefined ? '' : String(layer.rawPath)))
      }
    }
  }
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '')
  return [...found.values()]
}
