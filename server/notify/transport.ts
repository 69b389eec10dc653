import { catalogs, format } from '../../common/i18n/index.js'
import type { NotifyChannel } from '../../db/types.js'

/**
 * The one small interface every citizen channel sends through (web push, SMS, Zalo), the message a
 * citizen gets, and the helpers the transports share. A message carries the ticket, dossier or booking
 * code, the center's name and what happened (a booking: its slot time): never a name, a number or an address of a person.
 */

export type NotifyKind = 'ticket.ahead' | 'ticket.called' | 'dossier.supplement' | 'dossier.extended' | 'dossier.ready' | 'dossier.ready_early' | 'appointment.booked'

export interface NotifyMessage {
  kind: NotifyKind
  /** the ticket or dossier code */
  code: string
  center: string
  counterNumber: number | null
  ahead: number | null
  /** a booking's slot, "08:30 10/12/2026" (appointment.booked) */
  slot?: string | null
  lang: 'vi' | 'en'
  /** 'ticket:<id>' or 'dossier:<id>', the outbox stream */
  stream: string
  /** one per message: the gateways that dedupe (eSMS RequestId, ZNS tracking_id) get it, and so does the generic template */
  key: string
}

export interface NotifyTarget {
  phone: string | null
  endpoint: string | null
  p256dh: string | null
  auth: string | null
}

export type SendResult =
  | { ok: true; status: number }
  /** `permanent`: retrying cannot help (a push subscription that is gone, a refused number) */
  | { ok: false; status: number | null; error: string; permanent?: boolean }

export interface NotifyTransport {
  readonly channel: NotifyChannel
  /** which gateway, for the manager's panel: 'web-push', 'esms', 'zns', 'http' */
  readonly provider: string
  send(target: NotifyTarget, message: NotifyMessage, signal: AbortSignal): Promise<SendResult>
}

/** The message's text in the citizen's language. */
export function messageText(m: NotifyMessage): string {
  const w = catalogs[m.lang].notify.messages
  return format(w[m.kind.replace('.', '_') as keyof typeof w], { center: m.center, code: m.code, n: m.ahead ?? '', counter: m.counterNumber ?? '', slot: m.slot ?? '' })
}

/** The text without Vietnamese diacritics: a plain-GSM SMS is one part of 160 characters, a Unicode one of 70. */
export function withoutDiacritics(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
}


/** 0912345678 → 84912345678 (the international form ZNS and most gateways want). */
export const phone84 = (phone: string) => `84${phone.slice(1)}`

/** 0912345678 → 0912•••678 (the manager's panel). */
export const maskPhone = (phone: string) => `${phone.slice(0, 4)}•••${phone.slice(-3)}`

/** Reads a gateway's JSON answer; null when it is not JSON. */
export async function jsonAnswer(res: Response): Promise<Record<string, unknown> | null> {
  const text = await res.text()
  try {
    const v: unknown = JSON.parse(text)
    return v && typeof v === 'object' ? v as Record<string, unknown> : null
  } catch { return null }
}

/** A network failure's short name (ECONNREFUSED, TimeoutError…), for the panel. */
export function errorName(err: unknown): string {
  const e = err as Error & { cause?: { code?: string } }
  return e.cause?.code ?? e.name ?? 'ERROR'
}
