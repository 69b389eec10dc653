import '../web/base.css'
import './staff.css'
import './setup.css'
import type { StaffView } from '../common/types.js'
import type { SetupBody } from '../common/setup-schemas.js'
import { DEFAULT_TIME_ZONE, suggestSlug } from '../common/setup-defaults.js'
import { apiPost } from '../web/api.js'
import { byId, fill, h } from '../web/dom.js'
import { fmt, getLang, setLang, t } from '../web/i18n.js'
import { hoursText, parseHours } from './settings.js'
import { ApiValidationError, apiWrite, errorText } from './util.js'

/**
 * The set-up page of an empty install (/thiet-lap#<token>, the link the server prints at start): the first
 * admin and the first center in one form, then the staff console, logged in. The token stays in the
 * address's fragment, which browsers never send: it reaches the server only in the bodies below.
 */
const app = byId('app')
const token = decodeURIComponent(location.hash.slice(1))
const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const
const WEEKDAY = hoursText([['07:00', '11:30'], ['13:30', '17:00']])
const FIELDS = ['fullName', 'username', 'password', 'passwordConfirm', 'name', 'slug', 'address', 'province', 'timeZone', 'hours'] as const
type Field = (typeof FIELDS)[number] | `day${(typeof DAYS)[number]}`

/** what was typed: kept through a refusal and a switch of language */
const draft: Record<string, string> = {
  fullName: '', username: '', password: '', passwordConfirm: '', name: '', slug: '', address: '', province: '',
  timeZone: DEFAULT_TIME_ZONE, ...Object.fromEntries(DAYS.map((d) => [`day${d}`, Number(d) <= 5 ? WEEKDAY : ''])),
}
/** the slug follows the name until the admin types one */
let slugTyped = false
let refused: { text: string; fields: Partial<Record<Field, string>> } | null = null

function langButton(onSwitch: () => void) {
  return h('button', { type: 'button', class: 'btn-lang', id: 'lang', 'aria-label': t().pages.switchLangLabel, onclick: () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi')
    onSwitch()
  } }, t().pages.switchLang)
}

function head(onSwitch: () => void) {
  return h('div', { class: 'setup-head' },
    h('div', null, h('p', { class: 'brand' }, t().pages.appName), h('h1', null, t().setup.title)),
    langButton(onSwitch))
}

/** A refused link (unknown, used, replaced) or none at all: what happened, and the way to the login. */
function renderMessage(text: string) {
  document.title = `${t().setup.title} · ${t().pages.appName}`
  fill(app, h('main', { class: 'setup-wrap' }, head(() => renderMessage(text)),
    h('section', { class: 'card setup-message', id: 'setup-refused' },
      h('p', { class: 'notice error', role: 'alert' }, text),
      h('a', { class: 'btn btn-primary', href: '/staff', id: 'go-login' }, t().setup.goLogin))))
}

function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return all.includes(DEFAULT_TIME_ZONE) ? all : [DEFAULT_TIME_ZONE, ...all]
}

function renderForm() {
  const w = t().setup
  document.title = `${w.title} · ${t().pages.appName}`
  const problem = (f: Field) => refused?.fields[f]
  const field = (f: Field, label: string, input: HTMLElement, hint?: string) => h('div', { class: `field f-${f}${problem(f) ? ' invalid' : ''}` },
    h('label', { for: f }, label), input,
    hint ? h('span', { class: 'muted small', id: `${f}-hint` }, hint) : null,
    problem(f) ? h('span', { class: 'field-error', id: `${f}-error` }, problem(f)!) : null)
  const input = (f: Field, attrs: Record<string, string | number | boolean> = {}) => {
    const el = h('input', { id: f, name: f, value: draft[f] ?? '', autocomplete: 'off', 'aria-invalid': problem(f) ? 'true' : null, ...attrs })
    el.addEventListener('input', () => { draft[f] = el.value })
    return el
  }
  const name = input('name', { maxlength: 200, placeholder: w.centerNamePlaceholder })
  const slug = input('slug', { maxlength: 40, autocapitalize: 'none', spellcheck: 'false' })
  const slugHint = h('span', { class: 'muted small', id: 'slug-hint' }, fmt(w.slugHint, { slug: draft.slug || 'muong-cha' }))
  name.addEventListener('input', () => {
    if (slugTyped) return
    slug.value = draft.slug = suggestSlug(name.value)
    slugHint.textContent = fmt(w.slugHint, { slug: draft.slug || 'muong-cha' })
  })
  slug.addEventListener('input', () => { slugTyped = slug.value !== ''; slugHint.textContent = fmt(w.slugHint, { slug: slug.value || 'muong-cha' }) })
  const zone = h('select', { id: 'timeZone', name: 'timeZone' }, ...timeZones().map((z) => h('option', { value: z, selected: z === draft.timeZone }, z)))
  zone.addEventListener('change', () => { draft.timeZone = zone.value })
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big', id: 'setup-submit' }, w.submit)
  const form = h('form', { class: 'setup-wrap', id: 'setup', novalidate: true },
    head(renderForm),
    h('p', { class: 'muted' }, w.intro),
    h('div', { class: 'setup-cols' },
      h('section', { class: 'card', id: 'setup-admin' },
        h('h2', null, w.adminTitle),
        h('p', { class: 'muted small' }, w.adminHint),
        field('fullName', w.fullName, input('fullName', { maxlength: 120, autocomplete: 'name' })),
        field('username', w.username, input('username', { maxlength: 40, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' })),
        field('password', w.password, input('password', { type: 'password', autocomplete: 'new-password', maxlength: 200, 'aria-describedby': 'password-hint' }), w.passwordHint),
        field('passwordConfirm', w.passwordConfirm, input('passwordConfirm', { type: 'password', autocomplete: 'new-password', maxlength: 200 }))),
      h('section', { class: 'card', id: 'setup-center' },
        h('h2', null, w.centerTitle),
        field('name', w.centerName, name),
        h('div', { class: `field f-slug${problem('slug') ? ' invalid' : ''}` }, h('label', { for: 'slug' }, w.slug), slug, slugHint,
          problem('slug') ? h('span', { class: 'field-error', id: 'slug-error' }, problem('slug')!) : null),
        h('div', { class: 'setup-two' },
          field('address', w.address, input('address', { maxlength: 300 })),
          field('province', w.province, input('province', { maxlength: 100 }))),
        field('timeZone', w.timeZone, zone),
        h('h2', null, w.hoursTitle),
        h('p', { class: 'muted small' }, w.hoursHint),
        problem('hours') ? h('p', { class: 'field-error', id: 'hours-error' }, problem('hours')!) : null,
        h('div', { class: 'setup-hours' }, ...DAYS.map((d, i) => field(`day${d}`, t().staff.weekdays[i]!,
          input(`day${d}`, { placeholder: t().staff.closedLabel })))))),
    h('div', { class: 'setup-foot' },
      refused ? h('p', { class: 'notice error', role: 'alert', id: 'setup-error' }, refused.text) : h('span'),
      submit))
  form.addEventListener('submit', (ev) => { ev.preventDefault(); void send(submit) })
  fill(app, form)
  const first = FIELDS.find((f) => problem(f)) ?? DAYS.map((d) => `day${d}` as const).find((f) => problem(f))
  ;(first ? document.getElementById(first === 'hours' ? 'day1' : first) : document.getElementById('fullName'))?.focus()
}

async function send(submit: HTMLButtonElement) {
  const w = t().setup
  if (draft.password !== draft.passwordConfirm) {
    refused = { text: w.fixFields, fields: { passwordConfirm: w.fieldRules.passwordConfirm } }
    return renderForm()
  }
  const body: SetupBody = {
    token,
    admin: { fullName: draft.fullName!, username: draft.username!, password: draft.password! },
    center: { name: draft.name!, slug: draft.slug!, address: draft.address!, province: draft.province!, timeZone: draft.timeZone!,
      openingHours: Object.fromEntries(DAYS.map((d) => [d, parseHours(draft[`day${d}`] ?? '')])) },
  }
  submit.disabled = true
  submit.textContent = w.submitting
  try {
    const { center } = await apiWrite<{ staff: StaffView; center: { slug: string } }>('POST', '/api/setup', body)
    submit.textContent = w.done
    location.href = `/staff?center=${encodeURIComponent(center.slug)}`
  } catch (e) {
    if (e instanceof ApiValidationError && e.code.startsWith('SETUP_')) return renderMessage(errorText(e))
    refused = { text: w.fixFields, fields: refusedFields(e) }
    if (!Object.keys(refused.fields).length) refused.text = errorText(e)
    renderForm()
  }
}

/** Each refused field and what to do about it: the rule for a bad value, the server's words for a taken slug or a weak password. */
function refusedFields(e: unknown): Partial<Record<Field, string>> {
  const rules = t().setup.fieldRules
  const fields: Partial<Record<Field, string>> = {}
  if (!(e instanceof ApiValidationError)) return fields
  // a refusal naming one field (CENTER_SLUG_TAKEN, USERNAME_TAKEN, PASSWORD_*): its own message
  const named = typeof e.params.field === 'string' ? e.params.field.split('.').pop() : undefined
  if (named && (FIELDS as readonly string[]).includes(named)) fields[named as Field] = errorText(e)
  for (const d of e.details) {
    const path = d.path.split('.')
    const f = path[2]
    if (path[1] === 'center' && f === 'openingHours') {
      const day = path[3]
      if (day && (DAYS as readonly string[]).includes(day)) fields[`day${day as (typeof DAYS)[number]}`] = rules.hours
      else fields.hours = rules.hoursNone
    } else if (f && (FIELDS as readonly string[]).includes(f)) fields[f as Field] = rules[f as (typeof FIELDS)[number]]
  }
  return fields
}

async function start() {
  document.documentElement.lang = getLang()
  if (!token) return renderMessage(t().setup.noToken)
  fill(app, h('p', { class: 'loading' }, t().setup.checking))
  try {
    await apiPost('/api/setup/check', { token })
  } catch (e) {
    return renderMessage(errorText(e))
  }
  renderForm()
}

void start()
