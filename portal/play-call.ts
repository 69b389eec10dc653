/**
 * The phone's "play the announcement" (issue 23), loaded on its first tap: the call said as the waiting room's
 * display says it — the center's recorded Vietnamese when complete, else the shipped clips in the center's
 * template — then each of the center's other recorded languages. Only the clips of this call are fetched.
 */
import type { BoardSnapshot } from '../common/types.js'
import { announcementPlan } from '../common/voice.js'
import { apiGet } from '../web/api.js'
import { CenterVoices } from '../web/center-voice.js'
import { playPlan } from '../web/voice.js'

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export async function playCall(center: string, code: string, counter: number): Promise<boolean> {
  const voices = new CenterVoices(center, false)
  const [board] = await Promise.all([
    apiGet<BoardSnapshot>(`/api/centers/${encodeURIComponent(center)}/board`).catch(() => null),
    voices.refresh(),
  ])
  const own = voices.vietnamese()
  let heard = own ? await voices.say(own, code, counter) : await playPlan(announcementPlan(board?.announcementTemplate, code, counter).steps)
  for (const l of voices.others()) {
    await sleep(500)
    heard = (await voices.say(l, code, counter)) || heard
  }
  return heard
}
