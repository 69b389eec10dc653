import type { Express } from 'express'
import { z } from 'zod'
import { ERROR_STATUS } from '../../common/errors.js'
import { scopeOf } from '../tokens/scopes.js'
import { SESSION_COOKIE } from '../auth/auth.service.js'
import { walkRoutes, type AppRoute } from './routes.js'
import { webhooksSection } from './openapi-webhooks.js'

/**
 * The API's OpenAPI 3.1 document, generated from the app itself: every route walked off its router
 * (server/http/routes.ts), each part (params, query, body) from the zod schema its `validate()` checks, by
 * zod 4's own JSON Schema output (the input side: what a caller sends, before defaults and coercion). Who may
 * call a route comes from its `requireRole(...)`, and which token scope opens it from server/tokens/scopes.ts.
 * Answers are described by their error shape (every code and its status: common/errors.ts); success bodies
 * are not yet typed by schemas (docs/api.md describes them).
 */
export function openApiDocument(app: Express, info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of walkRoutes(app).filter((r) => r.path.startsWith('/api/'))) {
    const p = openApiPath(route.path)
    paths[p] ??= {}
    paths[p][route.method.toLowerCase()] = operation(route)
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)))
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Một Cửa API', version: info.version,
      description: 'Hàng đợi, hồ sơ và báo cáo của bộ phận một cửa. Staff routes take the session cookie or an API token '
        + '(`Authorization: Bearer mc_…`, docs/integration.md). Errors: `{ error: { code, message } }` with a stable code.',
    },
    servers: [{ url: '/' }],
    paths: sorted,
    // what Một Cửa POSTs to a center's webhooks, per event type (issue 25)
    webhooks: webhooksSection(),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'A staff member\'s session (POST /api/auth/login).' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'An API token of one center; its scopes open the routes marked x-token-scope.' },
      },
      schemas: {
        Error: {
          type: 'object', required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: {
            code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
            message: { type: 'string' },
            details: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
            params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
          } } },
        },
      },
    },
  }
}

/** `/api/centers/:center/board` → `/api/centers/{center}/board` */
export const openApiPath = (path: string) => path.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}')

/** A zod schema as JSON Schema, the input a caller sends; what JSON Schema cannot say (a refinement) is left out. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>
  return rest
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return []
  const s = jsonSchemaOf(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] }
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop
    return { name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) }
  })
}

function operation(route: AppRoute) {
  const scope = scopeOf(route.method, route.path.replace(/^\/api/, ''))
  const security = !route.access ? [] : [{ session: [] }, ...(scope ? [{ apiToken: [scope] }] : [])]
  const tag = route.path.split('/')[2] ?? 'api'
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/^\/api/, '').replace(/[:*]/g, 'by-').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`,
    tags: [tag],
    security,
    ...(route.access ? { 'x-required-role': route.access } : {}),
    ...(scope ? { 'x-token-scope': scope } : {}),
    parameters: [...parameters(route.shapes.params, 'path'), ...parameters(route.shapes.query, 'query')],
    ...(route.shapes.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.shapes.body) } } } } : {}),
    responses: {
      '2XX': { description: 'Done: the JSON described in docs/api.md.' },
      default: { description: 'Refused: a stable error code (common/errors.ts) and its message, Vietnamese first (`?lang=en` for English).',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  }
}
