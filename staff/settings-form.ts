// What the settings panels share: a save's outcome, a labelled field with its refusal, the change log's wording.
import { ApiError } from '../web/api.js'
import { h } from '../web/dom.js'
import { t } from '../web/i18n.js'
import { ApiValidationError, errorText } from './util.js'
import { auditValueIn, fieldLabelIn } from '../common/audit-text.js'

/** The last save of a form: said above its button; a refusal outlines each refused field with its rule. */
export type Outcome = { kind: 'ok' | 'error'; text: string; fields?: Record<string, string> }

export interface PanelDeps {
  center: string
  onSessionEnded: (message: string) => void
  /** a setting was saved: the change log below is refetched */
  changed: () => void
}

export function noticeEl(r: Outcome | undefined): HTMLElement {
  return r ? h('p', { class: `notice ${r.kind}`, role: r.kind === 'error' ? 'alert' : 'status' }, r.text) : h('span')
}

/** A label, its input, and the rule it broke (`<id>-error`) when the last save was refused because of it. */
export function fieldEl(id: string, f: string, label: string, input: HTMLElement, r?: Outcome): HTMLElement {
  const problem = r?.fields?.[f]
  return h('div', { class: `field f-${f}${problem ? ' invalid' : ''}` },
    h('label', { for: id }, label), input, problem ? h('span', { class: 'field-error', id: `${id}-error` }, problem) : null)
}

/**
 * A refused save's fields and their rules, in the page's language (zod's own wording names types):
 * `body.documents.2` → `documents`, unless `map` says otherwise.
 */
export function refusedFields(e: unknown, rules: Record<string, string>, map: (field: string) => string = (f) => f): Record<string, string> {
  const fields: Record<string, string> = {}
  if (e instanceof ApiValidationError) for (const d of e.details) {
    const f = map(d.path.replace(/^(body|params)\./, '').split('.')[0]!)
    if (rules[f]) fields[f] = rules[f]
  }
  return fields
}

/**
 * Runs a save: its success text, or the refusal with its fields. Null when the session has ended (the login
 * form is shown instead).
 */
export async function attempt(deps: PanelDeps, send: () => Promise<string>, rules: Record<string, string>, map?: (field: string) => string): Promise<Outcome | null> {
  try {
    const text = await send()
    deps.changed()
    return { kind: 'ok', text }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      deps.onSessionEnded(errorText(e))
      return null
    }
    return { kind: 'error', text: errorText(e), fields: refusedFields(e, rules, map) }
  }
}

/** A field's name in the change log; a calendar day's `name` is the day's, not a counter's. */
export function fieldLabel(entity: string, field: string): string {
  return fieldLabelIn(t(), entity, field)
}

/** A value in the change log: roles and kinds of day in words, lists joined, empty as "(trống)". */
export function auditValue(field: string, v: unknown): string {
  return auditValueIn(t(), field, v)
}

/** The value of a named control of a form. */
export function formValue(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? ''
}

export function formChecked(form: HTMLFormElement, name: string): boolean {
  return (form.elements.namedItem(name) as HTMLInputElement | null)?.checked ?? false
}

/** A number as typed: NaN when it is not one (the server then says which rule it breaks). */
export function typedNumber(text: string): number {
  const s = text.trim()
  return s === '' ? Number.NaN : Number(s)
}
