/**
 * The kiosk reads aloud (issue 23), for citizens who cannot read: a speaker button in the header reads the
 * screen's choices (the services, each by its letter and name) and the issued ticket ("Số của bạn là A không
 * một hai, có 3 người trước bạn") with the display's shipped clips (web/voice.ts), no system voice needed.
 * The kiosk's Chromium flag --autoplay-policy=no-user-gesture-required lets it play; the tap itself would too.
 */
import type { BoardSnapshot } from '../common/types.js'
import { announcementPlan, type VoiceStep } from '../common/voice.js'
import { h, markup } from '../web/dom.js'
import { t } from '../web/i18n.js'
import { unlockAudio } from '../web/sound.js'
import { playPlan, stopVoice } from '../web/voice.js'
import type { Screen } from './screens.js'
import './speak.css'

/** The kiosk's sentences: every word has a shipped clip (common/voice.ts KIOSK_PHRASES, SERVICE_WORDS). */
const SAY = {
  ticket: 'Số của bạn là {code}',
  ahead: 'có {counter} người trước bạn',
  next: 'sắp đến lượt bạn',
  choose: 'Mời chọn lĩnh vực',
  choosePriority: 'Mời chọn lĩnh vực ưu tiên',
}
const PAUSE = { sentence: 450, choice: 550 }
const SPEAKER = '<svg viewBox="0 0 24 24" width="36" height="36" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">'
  + '<path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor"/><path d="M16 9a4 4 0 0 1 0 6"/><path d="M18.5 6.5a8 8 0 0 1 0 11"/></svg>'

/** A sentence as clips, or null when a word of it has none (then it is left out, never half said). */
function sentence(template: string, code = '', counter: number | string = 0): VoiceStep[] | null {
  const p = announcementPlan(template, code, counter)
  return p.missing.length ? null : p.steps
}

function join(parts: (VoiceStep[] | null)[], pause: number): VoiceStep[] {
  const out: VoiceStep[] = []
  for (const p of parts) {
    if (!p?.length) continue
    if (out.length) out.push({ pause })
    out.push(...p)
  }
  return out
}

/** "Số của bạn là A không một hai, có 3 người trước bạn" (or "…, sắp đến lượt bạn" when nobody is ahead). */
export function ticketSpeech(code: string, ahead: number | null): VoiceStep[] {
  const rest = ahead === null ? null : ahead > 0 ? sentence(SAY.ahead, '', ahead) : sentence(SAY.next)
  return join([sentence(SAY.ticket, code), rest], PAUSE.sentence)
}

/** "Mời chọn lĩnh vực. A, Hộ tịch. B, Chứng thực. …": a name with a word outside the clips is read by its letter. */
export function choicesSpeech(services: { prefix: string; nameVi: string }[], priority: boolean): VoiceStep[] {
  return join([
    sentence(priority ? SAY.choosePriority : SAY.choose),
    ...services.map((s) => sentence(`{code} ${s.nameVi}`, s.prefix) ?? sentence('{code}', s.prefix)),
  ], PAUSE.choice)
}

/** Says a ticket just issued, when the kiosk has no system voice to say it (kiosk/main.ts). */
export function speakTicket(code: string, ahead: number | null): Promise<boolean> {
  return playPlan(ticketSpeech(code, ahead))
}

/** What the current screen says, or null when it has nothing to read (the button is hidden then). */
function speechFor(screen: Screen, board: BoardSnapshot | null): VoiceStep[] | null {
  if (screen.name === 'ticket') return ticketSpeech(screen.ticket.code, screen.ticket.ahead)
  if ((screen.name === 'home' || screen.name === 'priorityServices') && board?.acceptingTickets) {
    return choicesSpeech(board.services.filter((s) => s.active), screen.name === 'priorityServices')
  }
  return null
}

/** Puts the speaker button in the header, before the language button; it follows the screen shown. */
export function mountSpeaker(state: () => { screen: Screen; board: BoardSnapshot | null }): void {
  const label = h('span', { class: 'speak-text' })
  const button = h('button', { type: 'button', class: 'speak', id: 'speak' }, markup('span', 'speak-icon', SPEAKER), label)
  let playing = false
  let last: Promise<boolean> | null = null
  let shown = ''
  const update = () => {
    const { screen, board } = state()
    // another screen: what was being read no longer applies
    if (screen.name !== shown) { shown = screen.name; if (playing) stopVoice() }
    const v = t().voice
    label.textContent = v.speak
    button.setAttribute('aria-label', v.speakLabel)
    button.hidden = !speechFor(screen, board)?.length
    button.classList.toggle('playing', playing)
  }
  button.addEventListener('click', () => {
    const { screen, board } = state()
    const steps = speechFor(screen, board)
    if (!steps?.length) return
    // a tap while reading starts again from the beginning (the citizen missed something)
    stopVoice()
    playing = true
    update()
    const run = unlockAudio().then(() => playPlan(steps))
    last = run
    void run.finally(() => { if (last === run) { playing = false; update() } })
  })
  const lang = document.getElementById('lang')
  lang?.parentElement?.insertBefore(button, lang)
  // every screen change and language switch redraws #screen and the header: follow them
  const screenEl = document.getElementById('screen')
  if (screenEl) new MutationObserver(update).observe(screenEl, { childList: true, attributes: true, attributeFilter: ['data-screen'] })
  update()
}
