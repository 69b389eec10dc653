import pg from 'pg'
import type { DbHandle } from '../../db/create-db.js'

/**
 * What `fn` sends to the database, one entry per query call: a text (a simple query, or the text of a
 * named one), or `'(train)'` for a train of statements sent as one (db/create-db.ts `pipelined`). On
 * PostgreSQL every node-pg client's query() is watched; on PGlite, the instance's query() (statements
 * outside a transaction: kysely runs a transaction's on its own object).
 */
export async function statementsSent<T>(handle: DbHandle, fn: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  const sent: string[] = []
  const textOf = (q: unknown) => typeof q === 'string' ? q : typeof (q as { text?: unknown })?.text === 'string' ? (q as { text: string }).text : '(train)'
  const target = (handle.pglite ?? pg.Client.prototype) as unknown as { query: (...a: unknown[]) => unknown }
  const original = target.query
  target.query = function (this: unknown, ...args: unknown[]) {
    sent.push(textOf(args[0]))
    return original.apply(this, args)
  }
  try {
    return { result: await fn(), sent }
  } finally {
    target.query = original
  }
}
