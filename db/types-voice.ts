import type { ColumnType } from 'kysely'

// A center's own voice (migration 0026, issue 23): its extra languages and the clips its manager recorded.
// Part of `Database` (db/types.ts).

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface VoiceLanguageTable {
  center_id: string
  /** 1 or 2: the order the display says them in, after Vietnamese */
  slot: number
  name: string
  /** where the code and the counter go: `{code}`, `{counter}` */
  template: string
  updated_at: Timestamp
}

export interface VoiceClipTable {
  center_id: string
  /** 0 Vietnamese, 1 and 2 a voice_language's */
  slot: number
  /** common/center-voice.ts: p-<hash> a template part, l-x a letter, d-0…9, n-10…99 */
  clip: string
  content_type: string
  data: Uint8Array
  size: number
  sha256: string
  recorded_by: string | null
  recorded_at: Timestamp
}
