import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Express, Request, RequestHandler, Response } from 'express'

/**
 * One route answered on Node's own request and response, without Express's per-request machinery.
 *
 * Why: Express gives every request and response its own prototype (`Object.setPrototypeOf`), and V8
 * makes every later property access on them slow. Measured here (2026-12-03, autocannon, 32
 * connections, CPU of the app process per request): Node's http alone 0.05 ms, Express 5 answering
 * `res.json()` from one route 0.29 ms, the prototype swap and `res.json()` without the router 0.21 ms;
 * the app's whole middleware stack on `/healthz/live` 0.66 ms. The kiosk's tap cost 1.38 ms of the app's
 * CPU, and the app's one event loop was what bounded the issue load (docs/benchmarks.md, round 8).
 *
 * What stays the same: the request runs through **the same middleware instances, in the same order** as
 * Express runs them for this route (`steps`: request log and id, security headers, compression, language,
 * origin check, JSON body, rate limit, validation), then the same handler, and its errors go to the same
 * `errorAnswer`. The Express getters those middlewares read (`GETTERS`: what `trust proxy` and the
 * query parser decide) are Express's own, evaluated once on the plain request.
 * What differs: no ETag on the answer (a POST's answer is never cached or revalidated), and the
 * request's `req.route`/`req.baseUrl` are not set (nothing of ours reads them here; metrics get the pattern
 * once the route's own steps start, as Express gives it).
 *
 * A step may not call `next('route')` or `next('router')` (Express would skip on; here it is a 500): none does.
 *
 * Only the canonical spelling of the path is served here (`path`, lowercase, no trailing slash, no
 * percent-escapes); every other spelling, method or path goes on to Express (`false`), which answers it
 * as before, only slower.
 */
export interface LeanRoute {
  method: string
  /** the whole path, its groups the params (in `params` order); a query string is allowed after it */
  path: RegExp
  params: readonly string[]
  /** the route pattern, as /metrics labels it */
  route: string
  /** the middlewares in Express's order: the app's and the API router's, then the route's own */
  steps: readonly RequestHandler[]
  /** how many of `steps`, at the end, are the route's own: an error before them is `(unmatched)` in /metrics, as in Express */
  routeSteps: number
  handle: (req: Request) => Promise<{ status: number; body: unknown }>
}

export interface LeanDeps {
  app: Express
  /** the request's start, counted for graceful shutdown (the same as Express requests) */
  track: (res: ServerResponse) => void
  done: (method: string, route: string, status: number, start: bigint) => void
  fail: (err: unknown, req: Request) => { status: number; body: unknown }
  /** an answer that could not be sent (the connection is destroyed) */
  lost: (err: unknown) => void
}

/**
 * Express's own getters, evaluated on a plain request in this order (they read `this.app`, `this.get`,
 * headers, socket, url, and each other: `secure` reads `protocol`). A getter not listed reads as
 * undefined on the plain request: a step that starts reading another one needs it added here.
 */
const GETTERS = ['protocol', 'secure', 'ip', 'host', 'hostname', 'path', 'query'] as const
/**
 * Express's response methods the steps call (express-rate-limit's `append`, and what it calls), given to
 * the plain response as its own properties. A step that starts calling another one fails every tap with a
 * 500: every test that takes a ticket goes through here.
 */
const RESPONSE_METHODS = ['append', 'get', 'set', 'header', 'status', 'vary'] as const

function getterOf(proto: object | null, key: string): () => unknown {
  for (; proto; proto = Object.getPrototypeOf(proto)) {
    const get = Object.getOwnPropertyDescriptor(proto, key)?.get
    if (get) return get
  }
  throw new Error(`Express's request has no getter ${key}`)
}

export function leanRoute(route: LeanRoute, deps: LeanDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const proto = deps.app.request as unknown as Record<string, unknown>
  const getters = GETTERS.map((k) => [k, getterOf(proto, k)] as const)
  const get = proto.get as (name: string) => unknown
  const resProto = deps.app.response as unknown as Record<string, unknown>
  const resMethods = RESPONSE_METHODS.map((k) => [k, resProto[k]] as const)
  for (const [k, fn] of resMethods) if (typeof fn !== 'function') throw new Error(`Express's response has no method ${k}`)
  return (raw, res) => {
    if (raw.method !== route.method) return false
    const url = raw.url ?? ''
    const q = url.indexOf('?')
    const m = route.path.exec(q < 0 ? url : url.slice(0, q))
    if (!m) return false
    const start = process.hrtime.bigint()
    const req = raw as unknown as Request & Record<string, unknown>
    req.app = deps.app
    req.get = get as Request['get']
    try {
      for (const [k, fn] of getters) (req as Record<string, unknown>)[k] = fn.call(req)
    } catch {
      return false // Express reads them again, and answers the error as it does for any route
    }
    req.originalUrl = url
    const at = { matched: false }
    deps.track(res)
    res.once('finish', () => { deps.done(route.method, at.matched ? route.route : '(unmatched)', res.statusCode, start) })
    req.params = Object.fromEntries(route.params.map((p, i) => [p, m[i + 1]!]))
    req.res = res as unknown as Response
    const r = res as unknown as Record<string, unknown>
    r.req = req
    r.locals = Object.create(null)
    for (const [k, fn] of resMethods) r[k] = fn
    // answer() sends every error as JSON; should sending itself fail, the connection goes, not the process
    answer(route, deps, req, res as unknown as Response, at).catch((err: unknown) => { deps.lost(err); res.destroy() })
    return true
  }
}

async function answer(route: LeanRoute, deps: LeanDeps, req: Request, res: Response, at: { matched: boolean }): Promise<void> {
  let status: number, body: unknown
  const firstOwn = route.steps.length - route.routeSteps
  try {
    for (const [k, step] of route.steps.entries()) {
      if (k === firstOwn) at.matched = true
      await new Promise<void>((resolve, reject) => {
        const next = (err?: unknown) => (err ? reject(err) : resolve())
        const r = step(req, res, next) as unknown
        // an async middleware that throws (rejects) instead of calling next
        if (r instanceof Promise) r.catch(reject)
      })
    }
    at.matched = true
    ;({ status, body } = await route.handle(req))
  } catch (err) {
    ({ status, body } = deps.fail(err, req))
  }
  if (res.headersSent || res.writableEnded) return
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', Buffer.byteLength(text))
  res.end(text)
}
