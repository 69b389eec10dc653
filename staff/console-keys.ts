import type { TicketView } from '../common/types.js'
import { apiPost } from '../web/api.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { actionForKey, allowedActions, keyLabel, KeyQueue, SHORTCUTS, whyNotKey, type ActionId, type ConsoleState } from './actions.js'

type Notice = { kind: 'ok' | 'error'; text: string } | null
type KeyStatus = { kind: 'info' | 'refused'; text: string } | null

/** What the console lends its keys: its state, its actions, its one request at a time. */
export interface KeysHost {
  state(): ConsoleState | null
  currentCode(): string | null
  run(action: ActionId): void
  busy(): boolean
  act(run: () => Promise<Notice>): Promise<void>
}

/** the keys the console acts on (the rest are the page's): every shortcut, and U for undoing a no-show */
const CONSOLE_KEYS = new Set([...Object.values(SHORTCUTS).flat(), 'u'])
/** the console offers the undo a little less than the server's 10 s, so a press at the end is not refused */
const UNDO_MS = 9_500

/**
 * The counter console's keys (issue 22): a key pressed while a request is in flight waits its turn and runs
 * against the state then (staff/actions.ts KeyQueue), a burst of one key counts once, a key that does nothing
 * says why in the shortcut bar; and the no-show's undo (U, or its button) for 10 seconds.
 */
export class ConsoleKeys {
  private keys = new KeyQueue()
  status: KeyStatus = null
  private undo: { ticketId: string; code: string; until: number } | null = null
  private undoTimer: ReturnType<typeof setInterval> | null = null

  constructor(private host: KeysHost) {}

  /** A keydown the console did not leave to a field or dialog: true when it was the console's key. */
  press(ev: KeyboardEvent): boolean {
    const k = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key
    if (!CONSOLE_KEYS.has(k)) return false
    ev.preventDefault()
    const r = this.keys.press(k)
    if (r === 'run') { this.runKey(k); return true }
    const w = t().staff
    const label = (x: string) => x === ' ' ? w.keySpace : x.toUpperCase()
    this.show(r === 'queued' ? { kind: 'info', text: fmt(w.keysQueued, { keys: this.keys.waiting().map(label).join(', ') }) }
      : r === 'duplicate' ? { kind: 'info', text: fmt(w.keyDuplicate, { key: label(k) }) }
        : { kind: 'refused', text: fmt(w.keysFull, { key: label(k) }) })
    return true
  }

  /** A request started by a click: keys pressed meanwhile queue behind it. */
  begin(): void { this.keys.begin() }

  /** The request in flight was answered (and the view refetched): the next queued key runs. */
  next(): void {
    const k = this.keys.done()
    if (k !== null) this.runKey(k)
    else if (this.status?.kind === 'info') this.show(null)
  }

  /** A key's turn: its action in the state as it is now, or the shortcut bar says why it does nothing. */
  private runKey(k: string): void {
    const st = this.host.state()
    const w = t().staff
    if (k === 'u') {
      if (this.undo && this.undo.until > Date.now()) { this.show(null); this.undoNoShow() } else this.show({ kind: 'refused', text: w.keyNoUndo })
    } else if (st) {
      const action = actionForKey(k, allowedActions(st))
      if (action) {
        this.show(null)
        this.host.run(action)
        // a dialog opened (T, N, X, P): it takes the keyboard; keys pressed behind it are dropped, and said so
        if (document.querySelector('dialog[open]')) {
          const dropped = this.keys.clear()
          if (dropped.length) this.show({ kind: 'refused', text: fmt(w.keysDropped, { keys: dropped.map((x) => x === ' ' ? w.keySpace : x.toUpperCase()).join(', ') }) })
        }
      } else {
        const no = whyNotKey(k, st)
        if (no) {
          const why = fmt((w.keyWhy as Record<string, string>)[no.why]!, { code: this.host.currentCode() ?? '' })
          const key = k === ' ' ? w.keySpace : keyLabel(no.action) ?? k
          this.show({ kind: 'refused', text: fmt(w.keyRefused, { key, action: (w as unknown as Record<string, string>)[no.action]!, why }) })
        }
      }
    }
    // a dialog opened, or nothing to do: no request in flight, the next key may run
    if (!this.host.busy()) this.next()
  }

  private show(st: KeyStatus): void {
    this.status = st
    const el = document.getElementById('key-status')
    if (!el) return
    el.textContent = st?.text ?? ''
    el.className = `key-status ${st?.kind ?? ''}`
    el.hidden = !st
  }

  /** The no-show just recorded can be taken back for 10 seconds. */
  startUndo(ticketId: string, code: string): void {
    this.undo = { ticketId, code, until: Date.now() + UNDO_MS }
    if (this.undoTimer) clearInterval(this.undoTimer)
    this.undoTimer = setInterval(() => {
      const left = this.undo ? Math.ceil((this.undo.until - Date.now()) / 1000) : 0
      if (left <= 0) {
        this.undo = null
        clearInterval(this.undoTimer!)
        this.undoTimer = null
        document.getElementById('undo-bar')?.remove()
        document.getElementById('key-undo')?.classList.replace('on', 'off')
      } else {
        const el = document.getElementById('undo-left')
        if (el) el.textContent = fmt(t().staff.undoLeft, { n: left })
      }
    }, 250)
  }

  private undoNoShow(): void {
    const u = this.undo
    if (!u) return
    this.undo = null
    document.getElementById('undo-bar')?.remove()
    void this.host.act(async () => {
      const { ticket } = await apiPost<{ ticket: TicketView }>(`/api/tickets/${encodeURIComponent(u.ticketId)}/undo-no-show`, {})
      return { kind: 'ok', text: fmt(t().staff.undoneOk, { code: ticket.code }) }
    })
  }

  /** "Số A012: vắng mặt. (còn 8 giây) [Hoàn tác vắng mặt U]", while the undo lasts. */
  undoBar(): HTMLElement | null {
    const u = this.undo
    if (!u || u.until <= Date.now()) return null
    const w = t().staff
    return h('div', { class: 'undo-bar', id: 'undo-bar', role: 'status' },
      h('span', null, fmt(w.noShowOk, { code: u.code }), ' ', h('span', { id: 'undo-left' }, fmt(w.undoLeft, { n: Math.ceil((u.until - Date.now()) / 1000) }))),
      h('button', { type: 'button', class: 'btn btn-small', id: 'undo-noshow', disabled: this.host.busy(), onclick: () => this.undoNoShow() }, w.undoNoShow, ' ', h('kbd', null, 'U')))
  }

  /** The shortcut bar's last lines: U, and what the last key did. */
  legend(): (HTMLElement)[] {
    const w = t().staff
    return [
      h('li', { class: this.undo ? 'on' : 'off', id: 'key-undo' }, h('kbd', null, 'U'), ' ', w.undoNoShow),
    ]
  }

  statusEl(): HTMLElement {
    return h('p', { class: `key-status ${this.status?.kind ?? ''}`, id: 'key-status', role: 'status', 'aria-live': 'polite', hidden: !this.status }, this.status?.text ?? '')
  }
}
