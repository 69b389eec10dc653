// The in-process order of a center's facts (server/queue/seq-order.ts) and the ticket code as SQL writes it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { formatTicketCode } from '../common/ticket-code.js'
import { SeqOrder } from '../server/queue/seq-order.js'
import { ticketCodeSql } from '../server/queue/ticket.repository.js'
import { backends, freshDb } from './helpers/db.js'
import type { DbHandle } from '../db/create-db.js'

describe('SeqOrder', () => {
  /** publishes a change: waits for its turn, records its seq, settles */
  const publish = async (log: number[], slot: ReturnType<SeqOrder['slot']>, seq: number) => {
    await slot.reserved(seq)
    log.push(seq)
    slot.done()
  }

  it('a change whose answer is read first still waits for a lower seq sent before it', async () => {
    const order = new SeqOrder(), log: number[] = []
    const a = order.slot('c'), b = order.slot('c')
    const pb = publish(log, b, 12) // B's answer read first
    await new Promise((r) => setTimeout(r, 10))
    expect(log).toEqual([]) // B waits: A was sent and its seq is not known yet
    await Promise.all([publish(log, a, 11), pb])
    expect(log).toEqual([11, 12])
    expect(order.pending).toBe(0)
  })

  it('does not wait for a higher seq, nor for a change that reserved nothing, nor for a change sent after', async () => {
    const order = new SeqOrder(), log: number[] = []
    const a = order.slot('c'), b = order.slot('c'), failed = order.slot('c')
    failed.done() // e.g. the statement failed: no seq
    const pb = publish(log, b, 13)
    await publish(log, a, 14) // A learns its seq after B did, and B's is lower: A waits for B
    await pb
    expect(log).toEqual([13, 14])
    const later = order.slot('c')
    await publish(log, later, 15) // nobody open: goes at once
    expect(log).toEqual([13, 14, 15])
  })

  it('centers do not wait for each other', async () => {
    const order = new SeqOrder(), log: string[] = []
    order.slot('a') // never answered
    const b = order.slot('b')
    await b.reserved(1)
    log.push('b')
    b.done()
    expect(log).toEqual(['b'])
  })

  it('many changes answered in a shuffled order are published in seq order', async () => {
    const order = new SeqOrder(), log: number[] = []
    const slots = Array.from({ length: 200 }, () => order.slot('c'))
    const seqs = slots.map((_, i) => i + 1)
    // answers read in a random order, each after a random delay
    const shuffled = [...seqs].sort(() => Math.random() - 0.5)
    await Promise.all(shuffled.map(async (seq, k) => {
      await new Promise((r) => setTimeout(r, k % 7))
      await publish(log, slots[seq - 1]!, seq)
    }))
    expect(log).toEqual(seqs)
    expect(order.pending).toBe(0)
  })
})

describe.each(backends)('ticket codes written by SQL (%s)', (kind) => {
  let handle: DbHandle
  beforeAll(async () => { handle = await freshDb(kind) }, 60_000)
  afterAll(async () => { await handle?.close() })

  it('are the codes formatTicketCode makes, past 999 too', async () => {
    for (const n of [1, 9, 12, 99, 100, 999, 1000, 1234, 99999]) {
      const { rows } = await sql<{ code: string }>`SELECT ${ticketCodeSql('AB', sql`${n}::int`)} AS code`.execute(handle.db)
      expect(rows[0]!.code).toBe(formatTicketCode('AB', n))
    }
  })
})
