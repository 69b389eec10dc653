import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import { AppError } from '../errors.js'
import type { BoardService } from '../centers/board.service.js'
import { findCenterById, findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import type { EventSink } from '../realtime/event-sink.js'

/** A 409 for a value another row already has: the field it names, so the form outlines it (the message names it too). */
export function taken(field: string): { path: string; message: string }[] {
  return [{ path: `body.${field}`, message: 'already used' }]
}

/** What one audit row records: every changed field, from → to. */
export type Changes = Record<string, { from: unknown; to: unknown }>

/** The center of a settings request, refused (404, 403) unless the actor may act in it. */
export async function centerFor(db: Db, slug: string, actor: Actor): Promise<Center> {
  const center = await findCenterBySlug(db, slug)
  if (!center) throw new AppError('CENTER_NOT_FOUND')
  assertCenter(actor, center.id)
  return center
}

/**
 * The fields of `patch` whose value differs from the row's: the columns to set, and the audit's
 * from → to per API field. Arrays (a procedure's documents) compare by content.
 */
export function diffFields<P extends object, R extends object>(row: R, patch: P, columns: { [K in keyof P]-?: keyof R }): { set: Record<string, unknown>; changes: Changes } {
  const set: Record<string, unknown> = {}
  const changes: Changes = {}
  for (const [key, column] of Object.entries(columns) as [keyof P & string, keyof R & string][]) {
    const to = patch[key] as unknown
    const from = row[column] as unknown
    if (to === undefined || same(from, to)) continue
    set[column] = Array.isArray(to) ? JSON.stringify(to) : to
    changes[key] = { from, to }
  }
  return { set, changes }
}

function same(a: unknown, b: unknown): boolean {
  return Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b
}

/**
 * Names, hours, priority groups … are part of what the pages show: every page of the center gets a fresh
 * board snapshot. Its `seq` is the current one, which a page accepts (never older than what it shows); a
 * page that already saw a later fact refuses it and refetches the board over HTTP, which is newer still.
 */
export async function publishBoard(db: Db, board: BoardService, sink: EventSink, centerId: string): Promise<void> {
  board.settingsChanged(centerId)
  try {
    const center = await findCenterById(db, centerId)
    sink.boardChanged(center.slug, await board.board(center.slug))
  } catch (err) {
    sink.publishFailed(err) // committed: pages catch up on their next snapshot
  }
}
