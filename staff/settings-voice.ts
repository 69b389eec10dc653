import './voice.css'
import type { NeededClip, VoiceLanguageView } from '../common/center-voice.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

/** A recording stops by itself after this long: a clip is a word or a short phrase. */
const MAX_RECORD_MS = 8000
const MIME = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm']

/** A recording's bytes as base64, for the JSON upload (the same route the tests use with generated WAV). */
async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

/** "Chữ B", "Câu “đến quầy số”": what the reader is asked to say. */
export function clipLabel(n: NeededClip): string {
  return fmt(t().voice.kinds[n.kind], { say: n.say })
}

/**
 * The center's own voice (issue 23): per language (Vietnamese, then up to two the center names, each with
 * its template) the checklist of every clip it needs, each recorded in the browser (MediaRecorder), played,
 * recorded again or deleted; what is missing is named, as the display skips an incomplete language.
 */
export class VoicePanel {
  private root: HTMLElement | null = null
  private languages: VoiceLanguageView[] | null = null
  private error: string | null = null
  private note: Outcome | undefined
  /** per language slot (1, 2, 'new'): the last save of its form */
  private outcomes = new Map<string, Outcome>()
  private recording: { slot: number; clip: string; recorder: MediaRecorder; stream: MediaStream; timer: ReturnType<typeof setTimeout> } | null = null
  private busy = false
  private player: HTMLAudioElement | null = null

  constructor(private deps: PanelDeps) {}

  private get base() { return `/api/centers/${encodeURIComponent(this.deps.center)}/voice` }

  mount(root: HTMLElement) {
    this.root = root
    this.languages = null
    this.note = undefined
    this.outcomes.clear()
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.languages = (await apiGet<{ languages: VoiceLanguageView[] }>(`${this.base}/settings`)).languages
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  /** Runs one write that answers the languages; its outcome above the lists. */
  private async act(send: () => Promise<{ languages: VoiceLanguageView[] }>, okText: string, key?: string) {
    this.busy = true
    this.render()
    const r = await attempt(this.deps, async () => { this.languages = (await send()).languages; return okText }, {
      name: t().voice.languageName, template: t().voice.templateHint,
    })
    this.busy = false
    if (!r) return
    // an added language's success is said above the lists: its form is gone, a new empty one is there
    if (key && !(key === 'new' && r.kind === 'ok')) this.outcomes.set(key, r)
    else { this.note = r; if (key) this.outcomes.delete(key) }
    this.render()
  }

  private async record(l: VoiceLanguageView, n: NeededClip) {
    const v = t().voice
    if (this.recording) return this.stop()
    // getUserMedia exists only in a secure context: https://, or the server's own localhost
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
      this.note = { kind: 'error', text: v.noMicInsecure }
      return this.render()
    }
    let stream: MediaStream
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } })
    } catch (e) {
      this.note = { kind: 'error', text: fmt(v.noMic, { why: e instanceof Error ? e.message : String(e) }) }
      return this.render()
    }
    const mimeType = MIME.find((m) => MediaRecorder.isTypeSupported(m))
    const recorder = new MediaRecorder(stream, { ...(mimeType ? { mimeType } : {}), audioBitsPerSecond: 32000 })
    const chunks: Blob[] = []
    recorder.ondataavailable = (ev) => { if (ev.data.size) chunks.push(ev.data) }
    recorder.onstop = () => {
      stream.getTracks().forEach((tr) => tr.stop())
      const blob = new Blob(chunks, { type: recorder.mimeType })
      void this.act(async () => apiWrite('PUT', `${this.base}/languages/${l.slot}/clips/${n.id}`, { dataBase64: await base64Of(blob) }),
        fmt(v.clipSaved, { clip: clipLabel(n) }))
    }
    recorder.start()
    this.recording = { slot: l.slot, clip: n.id, recorder, stream, timer: setTimeout(() => this.stop(), MAX_RECORD_MS) }
    this.note = { kind: 'ok', text: v.recording }
    this.render()
  }

  private stop() {
    const r = this.recording
    if (!r) return
    clearTimeout(r.timer)
    this.recording = null
    if (r.recorder.state !== 'inactive') r.recorder.stop()
  }

  private play(sha: string) {
    this.player?.pause()
    this.player = new Audio(`${this.base}/clips/${sha}`)
    void this.player.play().catch(() => undefined)
  }

  private render() {
    const root = this.root
    if (!root?.isConnected) { this.stop(); return }
    const v = t().voice
    if (!this.languages) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    const free = ([1, 2] as const).find((s) => !this.languages!.some((l) => l.slot === s))
    fill(root, h('section', { class: 'settings-panel', id: 'voice' },
      h('h1', null, v.title),
      h('p', { class: 'muted' }, v.intro),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      h('div', { id: 'voice-note' }, noticeEl(this.note)),
      ...this.languages.map((l) => this.language(l)),
      free ? this.languageForm(free, null) : h('p', { class: 'muted', id: 'voice-max' }, v.maxLanguages)))
  }

  private language(l: VoiceLanguageView): HTMLElement {
    const v = t().voice
    const byId = new Map(l.needed.map((n) => [n.id, n]))
    const missing = l.missing.map((id) => byId.get(id)).filter((n): n is NeededClip => !!n).map(clipLabel)
    return h('article', { class: `card voice-lang${l.complete ? ' complete' : ''}`, 'data-slot': String(l.slot) },
      h('div', { class: 'svc-head' }, h('h2', null, l.name),
        h('span', { class: `badge ${l.complete ? 'ok' : 'muted'}` }, `${l.needed.length - l.missing.length}/${l.needed.length}`)),
      l.slot === 0 ? h('p', { class: 'muted' }, v.vietnameseNote, ' ', h('q', null, l.template)) : this.languageForm(l.slot, l),
      h('p', { class: `voice-status notice ${l.complete ? 'ok' : 'warn'}`, id: `voice-status-${l.slot}`, role: 'status' },
        l.complete ? fmt(v.complete, { n: l.needed.length }) : fmt(l.slot === 0 ? v.incompleteVi : v.incomplete, { n: l.missing.length, list: missing.length > 8 ? `${missing.slice(0, 8).join(', ')}, …` : missing.join(', ') })),
      h('h3', null, v.checklist),
      h('table', { class: 'tbl voice-checklist', id: `voice-list-${l.slot}` },
        h('thead', null, h('tr', null, h('th', null, v.columns.clip), h('th', null, v.columns.status), h('th', null, v.columns.actions))),
        h('tbody', null, ...l.needed.map((n) => this.row(l, n)))))
  }

  private row(l: VoiceLanguageView, n: NeededClip): HTMLElement {
    const v = t().voice
    const rec = l.recorded.find((c) => c.id === n.id)
    const live = this.recording?.slot === l.slot && this.recording.clip === n.id
    const other = !!this.recording && !live
    return h('tr', { class: rec ? 'voice-done' : 'voice-missing', 'data-clip': n.id },
      h('td', null, clipLabel(n)),
      h('td', { class: 'voice-state' }, live ? v.recording : rec ? fmt(v.recorded, { size: `${(rec.size / 1024).toFixed(1)} KB` }) : v.notRecorded),
      h('td', { class: 'voice-actions' },
        h('button', { type: 'button', class: `btn btn-small${live ? ' btn-danger' : ''}`, 'data-act': 'record', disabled: other || this.busy,
          onclick: () => void this.record(l, n) }, live ? v.stop : rec ? v.rerecord : v.record),
        rec ? h('button', { type: 'button', class: 'btn btn-small', 'data-act': 'play', disabled: !!this.recording, onclick: () => this.play(rec.sha) }, v.play) : null,
        rec ? h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', 'data-act': 'delete', disabled: !!this.recording || this.busy,
          onclick: () => void this.act(() => apiWrite('DELETE', `${this.base}/languages/${l.slot}/clips/${n.id}`), fmt(v.clipRemoved, { clip: clipLabel(n) })) }, v.remove) : null))
  }

  /** A language's name and template: the add form (`l` null) or its edit form with its delete button. */
  private languageForm(slot: 1 | 2 | number, l: VoiceLanguageView | null): HTMLFormElement {
    const v = t().voice
    const key = l ? String(slot) : 'new'
    const r = this.outcomes.get(key)
    const id = (f: string) => `voice-${key}-${f}`
    const form = h('form', { class: l ? 'voice-form' : 'card voice-form', id: `voice-form-${key}`, novalidate: true },
      l ? null : h('div', { class: 'svc-head' }, h('h2', null, v.addLanguage)),
      fieldEl(id('name'), 'name', v.languageName, h('input', { id: id('name'), name: 'name', type: 'text', maxlength: 40, value: l?.name ?? '', placeholder: v.namePlaceholder }), r),
      fieldEl(id('template'), 'template', v.template, h('input', { id: id('template'), name: 'template', type: 'text', maxlength: 200, value: l?.template ?? '',
        placeholder: '… {code} … {counter} …', spellcheck: 'false' }), r),
      h('p', { class: 'muted voice-hint' }, v.templateHint),
      h('div', { class: 'svc-foot' }, noticeEl(r),
        l ? h('button', { type: 'button', class: 'btn btn-danger-outline', id: id('remove'), onclick: () => {
          if (window.confirm(fmt(v.removeConfirm, { name: l.name }))) void this.act(() => apiWrite('DELETE', `${this.base}/languages/${slot}`), fmt(v.removed, { name: l.name }))
        } }, v.removeLanguage) : null,
        h('button', { type: 'submit', class: 'btn btn-primary', id: id('save'), disabled: this.busy }, l ? v.saveLanguage : v.addLanguage)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const body = { name: formValue(form, 'name').trim(), template: formValue(form, 'template').trim() }
      void this.act(() => apiWrite('PUT', `${this.base}/languages/${slot}`, body), fmt(v.saved, { name: body.name }), l ? key : 'new')
    })
    return form
  }
}
