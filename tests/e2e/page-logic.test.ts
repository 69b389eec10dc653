import { describe, expect, it } from '@jest/globals'
import { AnnouncementQueue, announcementText, DEFAULT_ANNOUNCEMENT_TEMPLATE } from '../../common/announce.js'
import { BoardState, boardRefetcher, FactOrder, HOLD_MS, MAX_FACTS_SINCE_GAP, MAX_RECENT_CALLS, parseCounterFilter, type HoldClock, type Heard } from '../../common/board-sync.js'
import { catalogs } from '../../common/i18n/index.js'
import type { BoardSnapshot, CounterView } from '../../common/types.js'

// The DOM-free logic the pages share (common/board-sync.ts, common/announce.ts), without a browser.

const counter = (n: number): CounterView => ({
  id: `c${n}`, number: n, name: `Quầy ${n}`, status: 'open', pauseReason: null, pauseUntil: null, statusSince: '', staffName: null, currentTicket: null, services: [],
})
const snapshot = (seq: number, over: Partial<BoardSnapshot> = {}): BoardSnapshot => ({
  seq, centerSlug: 'na-sang', centerName: 'Na Sang', serviceDay: '2026-11-23', open: true, acceptingTickets: true, closedReason: null,
  hoursToday: '07:00–11:30, 13:30–17:00', callsResumeAt: null, nextOpen: null, publicUrl: null, ticketCutoff: '16:30', announcementTemplate: DEFAULT_ANNOUNCEMENT_TEMPLATE,
  services: [{ id: 's1', code: 'ho-tich', prefix: 'A', nameVi: 'Hộ tịch', nameEn: 'Civil status', icon: 'family', active: true, targetWaitMinutes: 15, dailyCap: null, waiting: 0, estimatedWaitMinutes: 0, capReached: false }],
  counters: [counter(1), counter(2)], recentCalls: [], readyDossiers: [], ...over,
})
const call = (seq: number, _ticket: string, code: string, counterNo = 1) => ({
  name: 'ticket:called' as const,
  payload: { seq, code, serviceId: 's1', counterId: `c${counterNo}`, counterNumber: counterNo, calledAt: `2026-11-23T02:0${seq % 10}:00.000Z` },
})

/** Waits for a condition instead of a fixed time (a loaded CI machine is slow); fails after 5 s. */
async function until(ok: () => boolean): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() - t0 > 5000) throw new Error('condition not met within 5 s')
  }
}

describe('BoardState: seq order, gaps and stale snapshots', () => {
  it('applies the next fact, ignores an old one, reports a gap but still shows the newer fact', () => {
    const s = new BoardState()
    expect(s.acceptSnapshot(snapshot(10))).toBe(true)
    expect(s.apply({ name: 'queue:changed', payload: { seq: 11, services: [{ id: 's1', waiting: 3, estimatedWaitMinutes: 24, capReached: false }], callsResumeAt: null } })).toBe('applied')
    expect(s.board!.services[0]).toMatchObject({ waiting: 3, estimatedWaitMinutes: 24 })
    expect(s.apply({ name: 'queue:changed', payload: { seq: 11, services: [{ id: 's1', waiting: 9, estimatedWaitMinutes: 99, capReached: false }], callsResumeAt: null } })).toBe('stale')
    expect(s.board!.services[0]!.waiting).toBe(3)
    expect(s.apply(call(14, 't1', 'A001'))).toBe('gap')
    expect(s.seq).toBe(14)
    expect(s.board!.counters[0]!.currentTicket).toEqual({ code: 'A001', status: 'called' })
  })

  it('never goes back to an older snapshot unless forced (a reset server)', () => {
    const s = new BoardState()
    s.acceptSnapshot(snapshot(20))
    expect(s.acceptSnapshot(snapshot(19))).toBe(false)
    expect(s.seq).toBe(20)
    expect(s.acceptSnapshot(snapshot(21))).toBe(true)
    expect(s.acceptSnapshot(snapshot(3), true)).toBe(true)
    expect(s.seq).toBe(3)
  })

  it('after a gap, takes a snapshot that covers it with the facts since replayed, though older than the board shown', () => {
    const s = new BoardState()
    s.acceptSnapshot(snapshot(10))
    expect(s.apply(call(14, 't4', 'A004'))).toBe('gap') // 11-13 missed: among them the call of A003 at counter 2
    expect(s.unsure).toBe(true)
    expect(s.apply(call(15, 't5', 'A005', 2))).toBe('applied')
    // read before the missed facts were committed: no help, refused, nothing changes
    expect(s.acceptSnapshot(snapshot(12))).toBe(false)
    expect(s.seq).toBe(15)
    expect(s.unsure).toBe(true)
    // read after fact 13, before 14 arrived at the server's reader: taken, 14 and 15 replayed on top
    const missed = { code: 'A003', status: 'called' as const }
    expect(s.acceptSnapshot(snapshot(13, {
      counters: [counter(1), { ...counter(2), currentTicket: missed }],
      recentCalls: [{ code: 'A003', serviceId: 's1', counterId: 'c2', counterNumber: 2, calledAt: '2026-11-23T02:03:00.000Z' }],
    }))).toBe(true)
    expect(s.unsure).toBe(false)
    expect(s.seq).toBe(15)
    expect(s.board!.recentCalls.map((c) => c.code)).toEqual(['A005', 'A004', 'A003'])
    expect(s.board!.counters.map((c) => c.currentTicket?.code)).toEqual(['A004', 'A005'])
    // covered: an older snapshot is refused again, as always
    expect(s.acceptSnapshot(snapshot(14))).toBe(false)
  })

  it('after two gaps, takes only a snapshot that covers the later one too; keeps a bounded number of facts', () => {
    const s = new BoardState()
    s.acceptSnapshot(snapshot(0))
    s.apply(call(3, 't3', 'A003'))
    s.apply(call(4, 't4', 'A004'))
    expect(s.apply(call(8, 't8', 'A008'))).toBe('gap')
    expect(s.acceptSnapshot(snapshot(2))).toBe(false)
    expect(s.acceptSnapshot(snapshot(5))).toBe(false) // covers 1-2, not 5-7
    expect(s.acceptSnapshot(snapshot(7))).toBe(true)
    expect(s.board!.recentCalls.map((c) => c.code)).toEqual(['A008'])

    const t = new BoardState()
    t.acceptSnapshot(snapshot(0))
    for (let seq = 2; seq <= MAX_FACTS_SINCE_GAP + 11; seq++) t.apply({ name: 'queue:changed', payload: { seq, services: [{ id: 's1', waiting: seq, estimatedWaitMinutes: 1, capReached: false }], callsResumeAt: null } })
    // the oldest kept fact is now 12: a snapshot at 11 covers what was dropped
    expect(t.acceptSnapshot(snapshot(10))).toBe(false)
    expect(t.acceptSnapshot(snapshot(11))).toBe(true)
    expect(t.board!.services[0]!.waiting).toBe(MAX_FACTS_SINCE_GAP + 11)
  })

  it('a finished ticket leaves its counter; recent calls stay bounded and a recall moves to the top', () => {
    const s = new BoardState()
    s.acceptSnapshot(snapshot(0))
    for (let i = 1; i <= 15; i++) s.apply(call(i, `t${i}`, `A${String(i).padStart(3, '0')}`))
    expect(s.board!.recentCalls).toHaveLength(MAX_RECENT_CALLS)
    expect(s.board!.recentCalls[0]!.code).toBe('A015')
    s.apply({ name: 'ticket:recalled', payload: { ...call(16, 't14', 'A014').payload } })
    expect(s.board!.recentCalls.map((c) => c.code).slice(0, 2)).toEqual(['A014', 'A015'])
    expect(s.board!.recentCalls.filter((c) => c.code === 'A014')).toHaveLength(1)
    s.apply({ name: 'ticket:finished', payload: { seq: 17, code: 'A014', status: 'done', counterId: 'c1', counterNumber: 1 } })
    expect(s.board!.counters[0]!.currentTicket).toBeNull()
  })

  it('parses ?counters=1,2,3', () => {
    expect(parseCounterFilter('1, 2,3,2')).toEqual([1, 2, 3])
    expect(parseCounterFilter('')).toBeNull()
    expect(parseCounterFilter('x')).toBeNull()
  })
})

/** A clock the test moves by hand: timers fire when it passes their time. */
function manualClock(): HoldClock & { advance(ms: number): void; pending(): number } {
  let now = 0
  let timers: { at: number; run: () => void; id: number }[] = []
  let ids = 0
  return {
    now: () => now,
    set: (run, ms) => { timers.push({ at: now + ms, run, id: ++ids }); return ids },
    clear: (id) => { timers = timers.filter((x) => x.id !== id) },
    pending: () => timers.length,
    advance(ms) {
      const end = now + ms
      for (let next = timers.sort((x, y) => x.at - y.at)[0]; next && next.at <= end; next = timers.sort((x, y) => x.at - y.at)[0]) {
        timers = timers.filter((x) => x !== next)
        now = next.at
        next.run()
      }
      now = end
    },
  }
}

describe('FactOrder: facts out of seq order wait for the ones before them', () => {
  /** a board at seq 4, and what the page hears (seq:result, one entry per hand-over) */
  function setup() {
    const clock = manualClock()
    const state = new BoardState()
    state.acceptSnapshot(snapshot(4))
    const heard: string[][] = []
    const order = new FactOrder(state, (facts: Heard[]) => heard.push(facts.map((f) => `${f.fact.payload.seq}:${f.result}`)), clock)
    const refetches = () => heard.flat().filter((x) => x.endsWith(':gap')).length
    return { clock, state, order, heard, refetches }
  }

  it('holds 7 until 6 arrives within the window, then applies 6 and 7 in order, and asks no refetch', () => {
    const { clock, state, order, heard, refetches } = setup()
    order.receive(call(5, 't5', 'A005'))
    order.receive(call(7, 't7', 'A007'))
    expect(state.seq).toBe(5)
    expect(order.holding).toBe(1)
    clock.advance(20)
    order.receive(call(6, 't6', 'A006'))
    expect(heard).toEqual([['5:applied'], ['6:applied', '7:applied']])
    expect(state.seq).toBe(7)
    expect(state.board!.recentCalls.map((c) => c.code)).toEqual(['A007', 'A006', 'A005'])
    clock.advance(1000)
    expect(refetches()).toBe(0)
    expect(state.unsure).toBe(false)
    expect(clock.pending()).toBe(0)
  })

  it(`calls it a gap when 6 has not come ${HOLD_MS} ms after 7: 7 is applied then, and 6 arriving later is stale`, () => {
    const { clock, state, order, heard, refetches } = setup()
    order.receive(call(5, 't5', 'A005'))
    order.receive(call(7, 't7', 'A007'))
    clock.advance(HOLD_MS - 1)
    expect(state.seq).toBe(5)
    expect(refetches()).toBe(0)
    clock.advance(1)
    expect(heard).toEqual([['5:applied'], ['7:gap']])
    expect(state.seq).toBe(7)
    expect(state.unsure).toBe(true)
    order.receive(call(6, 't6', 'A006'))
    expect(heard.at(-1)).toEqual(['6:stale'])
    expect(refetches()).toBe(1)
  })

  it('ignores a fact the board already holds, at once', () => {
    const { order, heard, state } = setup()
    order.receive(call(4, 't4', 'A004'))
    order.receive(call(2, 't2', 'A002'))
    expect(heard).toEqual([['4:stale'], ['2:stale']])
    expect(state.board!.recentCalls).toEqual([])
    expect(order.holding).toBe(0)
  })

  it('gives each held fact its own wait: after the oldest goes as a gap, a later one still waits for its predecessor', () => {
    const { clock, order, heard } = setup()
    order.receive(call(6, 't6', 'A006')) // 5 missing
    clock.advance(60)
    order.receive(call(8, 't8', 'A008')) // 7 missing
    clock.advance(40)
    expect(heard).toEqual([['6:gap']])
    clock.advance(30)
    order.receive(call(7, 't7', 'A007')) // 70 ms after 8: in its window
    expect(heard).toEqual([['6:gap'], ['7:applied', '8:applied']])
    clock.advance(1000)
    expect(heard).toHaveLength(2)
  })

  it('restarts the wait for the next held fact when the oldest is released in order', () => {
    const { clock, order, heard } = setup()
    order.receive(call(6, 't6', 'A006')) // 5 missing, held at 0
    clock.advance(50)
    order.receive(call(8, 't8', 'A008')) // 7 missing, held at 50
    order.receive(call(5, 't5', 'A005')) // 5 and 6 go; 8 waits until 150, not 100
    expect(heard).toEqual([['5:applied', '6:applied']])
    clock.advance(60)
    expect(heard).toHaveLength(1)
    clock.advance(40)
    expect(heard).toEqual([['5:applied', '6:applied'], ['8:gap']])
  })

  it('releases held facts a snapshot makes next, and hears those it already holds as stale', () => {
    const clock = manualClock()
    const state = new BoardState()
    const heard: string[][] = []
    const order = new FactOrder(state, (facts) => heard.push(facts.map((f) => `${f.fact.payload.seq}:${f.result}`)), clock)
    // facts before the page's first snapshot: held, not a gap
    order.receive(call(11, 't11', 'A011'))
    order.receive(call(12, 't12', 'A012'))
    order.receive(call(10, 't10', 'A010'))
    expect(heard).toEqual([])
    state.acceptSnapshot(snapshot(10))
    order.snapshotTaken()
    expect(heard).toEqual([['10:stale', '11:applied', '12:applied']])
    expect(state.seq).toBe(12)
    expect(clock.pending()).toBe(0)
  })

  it('without a snapshot for the whole window, hears every held fact as a gap (the page refetches)', () => {
    const clock = manualClock()
    const state = new BoardState()
    const heard: string[][] = []
    const order = new FactOrder(state, (facts) => heard.push(facts.map((f) => `${f.fact.payload.seq}:${f.result}`)), clock)
    order.receive(call(3, 't3', 'A003'))
    order.receive(call(5, 't5', 'A005'))
    clock.advance(HOLD_MS)
    expect(heard).toEqual([['3:gap', '5:gap']])
    expect(order.holding).toBe(0)
  })

  it('drops what it holds when a forced snapshot restarts the sequence', () => {
    const { clock, state, order, heard } = setup()
    order.receive(call(9, 't9', 'A009'))
    state.acceptSnapshot(snapshot(1), true)
    order.snapshotTaken(true)
    expect(heard).toEqual([['9:stale']])
    clock.advance(1000)
    expect(state.seq).toBe(1)
    expect(heard).toHaveLength(1)
  })

  it('keeps the after-gap replay: a refetched board older than the one shown is taken with the facts since on top', () => {
    const { clock, state, order, refetches } = setup()
    order.receive(call(6, 't6', 'A006')) // 5 never comes
    clock.advance(HOLD_MS)
    expect(refetches()).toBe(1)
    order.receive(call(7, 't7', 'A007', 2))
    const missed = { code: 'A005', serviceId: 's1', counterId: 'c2', counterNumber: 2, calledAt: '2026-11-23T02:05:00.000Z' }
    expect(state.acceptSnapshot(snapshot(5, { recentCalls: [missed] }))).toBe(true)
    order.snapshotTaken()
    expect(state.seq).toBe(7)
    expect(state.unsure).toBe(false)
    expect(state.board!.recentCalls.map((c) => c.code)).toEqual(['A007', 'A006', 'A005'])
  })
})

describe('boardRefetcher: the pages\' refetch after a gap', () => {
  it('asks again, at most 3 more times, while the boards it gets do not cover the gap', async () => {
    let fetches = 0
    const refetch = boardRefetcher({ fetchBoard: async () => { fetches++; return snapshot(1) }, take: () => false, unsure: () => true })
    await refetch()
    expect(fetches).toBe(4)
  })

  it('runs one refetch at a time, once more for the asks that came meanwhile, and takes an older board only when forced', async () => {
    let fetches = 0
    const taken: boolean[] = []
    const refetch = boardRefetcher({
      fetchBoard: async () => { fetches++; await new Promise((r) => setTimeout(r, 5)); return snapshot(1) },
      take: (_b, force) => { taken.push(!!force); return !!force }, unsure: () => false,
    })
    await Promise.all([refetch(true), refetch(), refetch()])
    expect(fetches).toBe(2)
    expect(taken).toEqual([false, true, false, true])
  })

  it('tells a failed fetch and lets the next ask fetch again', async () => {
    let failed = 0, fetches = 0
    const refetch = boardRefetcher({ fetchBoard: async () => { fetches++; throw new Error('offline') }, take: () => true, unsure: () => false, failed: () => { failed++ } })
    await refetch()
    await refetch()
    expect([fetches, failed]).toEqual([2, 2])
  })
})

describe('announcements', () => {
  it('reads the code character by character in the center\'s template', () => {
    expect(announcementText(DEFAULT_ANNOUNCEMENT_TEMPLATE, 'A012', 3)).toBe('Xin mời công dân có số thứ tự A, không, một, hai đến quầy số 3')
    expect(announcementText('', 'B001', 2)).toBe('Xin mời công dân có số thứ tự B, không, không, một đến quầy số 2')
    expect(announcementText('Mời số {code} tới quầy {counter}', 'C105', 6)).toBe('Mời số C, một, không, năm tới quầy 6')
  })

  it('plays two calls of the same second one after the other, in order, each once', async () => {
    const log: string[] = []
    const q = new AnnouncementQueue<{ key: string }>(async (item) => {
      log.push(`start ${item.key}`)
      await new Promise((r) => setTimeout(r, 20))
      log.push(`end ${item.key}`)
    })
    expect(q.push({ key: 'a' })).toBe(true)
    expect(q.push({ key: 'b' })).toBe(true)
    expect(q.push({ key: 'a' })).toBe(false)
    await until(() => log.length >= 4)
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b'])
    expect(q.size).toBe(0)
  })

  it('bounds its backlog and its memory', async () => {
    const played: string[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    const q = new AnnouncementQueue<{ key: string }>(async (item) => { played.push(item.key); await gate }, { maxPending: 2, remember: 3 })
    for (const k of ['1', '2', '3', '4', '5']) q.push({ key: k })
    release()
    await until(() => played.length >= 3)
    expect(played).toEqual(['1', '4', '5'])
    expect(q.knows('1')).toBe(false) // forgotten: only the last 3 keys are kept
    expect(q.knows('5')).toBe(true)
  })
})

describe('page catalogs', () => {
  it('have the same keys in Vietnamese and English, and no empty string', () => {
    const keys = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
    for (const section of ['pages', 'kiosk', 'display', 'portal', 'staff'] as const) {
      expect(keys(catalogs.en[section]).sort()).toEqual(keys(catalogs.vi[section]).sort())
      for (const lang of ['vi', 'en'] as const) {
        for (const k of keys(catalogs[lang][section])) {
          const v = k.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], catalogs[lang][section])
          expect(typeof v === 'string' && v.trim().length > 0).toBe(true)
        }
      }
    }
    expect(catalogs.vi.kiosk.priorityRule).toBe('Người được ưu tiên được tính như đến sớm hơn {minutes} phút.')
  })
})
