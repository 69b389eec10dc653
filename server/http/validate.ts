import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { z } from 'zod'
import { AppError } from '../errors.js'
import type { Lang } from '../../common/i18n/index.js'

interface Shapes { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType }
type Out<S extends Shapes> = { [K in keyof S]: S[K] extends z.ZodType ? z.infer<S[K]> : never }

declare module 'express-serve-static-core' {
  interface Request {
    /** the parsed, validated params/query/body of `validate()` */
    input: any
    /** 'vi' unless the caller asked for English (`?lang=en` or Accept-Language) */
    lang: Lang
  }
}

const localeErrors = { vi: z.locales.vi().localeError, en: z.locales.en().localeError }

/** Parses params, query and body together and reports every problem of all three at once. */
export function validate<S extends Shapes>(shapes: S): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const details: { path: string; message: string }[] = []
    const input: Record<string, unknown> = {}
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = shapes[part]
      if (!schema) continue
      const r = schema.safeParse(req[part] ?? (part === 'body' ? {} : undefined), { error: localeErrors[req.lang ?? 'vi'] })
      if (r.success) input[part] = r.data
      else for (const i of r.error.issues) details.push({ path: [part, ...i.path.map(String)].join('.'), message: i.message })
    }
    if (details.length) throw new AppError('VALIDATION_FAILED', {}, details)
    req.input = input as Out<S>
    next()
  }
}

export type Input<S extends Shapes> = Out<S>
