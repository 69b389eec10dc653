import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { ParamsDictionary, Query } from 'express-serve-static-core'
import { z } from 'zod'
import { AppError } from '../errors.js'
import { readJsonBody } from './body.js'
import { catalogs, format, type Lang } from '../../common/i18n/index.js'

export interface Shapes { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType }
type Out<S extends Shapes> = { [K in keyof S]: S[K] extends z.ZodType ? z.infer<S[K]> : never }
type Detail = { path: string; message: string }

/**
 * How a route's handlers learn the type of `req.input`: Express's router infers one set of request
 * generics for all the handlers of `router.post(path, ...handlers)`, and `validate()`'s handler states
 * its output type in the last of them, `LocalsObj`, under this key. Type-only: nothing is stored under it.
 */
declare const parsedInput: unique symbol
type InputLocals<I> = Record<string, unknown> & { readonly [parsedInput]: I }

/** The request a route's handler sees after `validate(shapes)`. */
export type Validated<S extends Shapes> = Request<ParamsDictionary, unknown, unknown, Query, InputLocals<Out<S>>>

/** `validate()`'s middleware, typed so that the route's later handlers see `req.input` as `Out<S>`. */
type Validator<S extends Shapes> = RequestHandler<ParamsDictionary, unknown, unknown, Query, InputLocals<Out<S>>>

declare module 'express-serve-static-core' {
  // the type parameters exactly as Express declares them: a merged declaration must repeat them
  interface Request<P, ResBody, ReqBody, ReqQuery, LocalsObj extends Record<string, any>> {
    /** the parsed params/query/body of the route's `validate()`, typed by its schemas; unknown on a route without one */
    input: LocalsObj extends { readonly [parsedInput]: infer I } ? I : unknown
    /** 'vi' unless the caller asked for English (`?lang=en` or Accept-Language) */
    lang: Lang
  }
}

const shapesOf = new WeakMap<object, Shapes>()

const localeErrors = { vi: z.locales.vi().localeError, en: z.locales.en().localeError }

/** zod's own wording in the reader's language, except "required", which it words as a type error. */
const errorMap = (lang: Lang): z.core.$ZodErrorMap => (iss) =>
  iss.code === 'invalid_type' && iss.input === undefined ? catalogs[lang].validation.required : localeErrors[lang](iss)

/**
 * Strings holding U+0000, which PostgreSQL text cannot store (the query would fail with a 500):
 * refused here, for every schema, present and future.
 */
function nulStrings(value: unknown, path: string[], out: string[][], depth = 0): void {
  if (typeof value === 'string') { if (value.includes('\u0000')) out.push(path); return }
  if (depth > 20 || value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) nulStrings(v, [...path, k], out, depth + 1)
}

/**
 * Parses params, query and body together and reports every problem of all three at once. The body is
 * read here (server/http/body.ts), after the route's role check and rate limits have let it through.
 */
export function validate<S extends Shapes>(shapes: S): Validator<S> {
  const check = async (req: Validated<S>, res: Response, next: NextFunction) => {
    if (shapes.body) await readJsonBody(req, res)
    const lang = req.lang ?? 'vi'
    const words = catalogs[lang].validation
    const details: Detail[] = []
    const input: Record<string, unknown> = {}
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = shapes[part]
      if (!schema) continue
      const raw = req[part] ?? (part === 'body' ? {} : undefined)
      const r = schema.safeParse(raw, { error: errorMap(lang) })
      const found: Detail[] = []
      if (r.success) input[part] = r.data
      else {
        for (const i of r.error.issues) {
          const at = [part, ...i.path.map(String)]
          // one detail per unknown field, so a page can point at each
          if (i.code === 'unrecognized_keys') for (const k of i.keys) found.push({ path: [...at, k].join('.'), message: format(words.unknownField, { keys: k }) })
          else found.push({ path: at.join('.'), message: i.message })
        }
      }
      const nul: string[][] = []
      nulStrings(raw, [part], nul)
      for (const p of nul) {
        const path = p.join('.')
        if (!found.some((d) => d.path === path)) found.push({ path, message: words.invalid })
      }
      details.push(...found)
    }
    if (details.length) throw new AppError('VALIDATION_FAILED', {}, details)
    // each part of `shapes` was parsed into `input` above: its type is what the shapes say
    req.input = input as Out<S>
    next()
  }
  shapesOf.set(check, shapes)
  return check
}

/** The schemas a `validate()` middleware checks: bench/fuzz.ts reads them off the app's routes to build malformed requests. */
export function validatorShapes(handler: unknown): Shapes | undefined {
  return typeof handler === 'function' ? shapesOf.get(handler) : undefined
}
