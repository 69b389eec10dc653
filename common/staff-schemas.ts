import { z } from 'zod'
import { AUDIT_ENTITIES, ONLINE_LEVELS } from './staff-types.js'

// Request shapes of the manager's settings (server validation, typed page calls).

/** A catalog import's bounds (H7): a commune's catalog has a few hundred procedures. */
export const PROCEDURE_IMPORT_MAX_ROWS = 2000
export const PROCEDURE_IMPORT_MAX_CHARS = 2_000_000
export const ServicePatchBody = z.strictObject({
  nameVi: z.string().trim().min(1).max(120).optional(),
  nameEn: z.string().trim().min(1).max(120).optional(),
  icon: z.string().regex(/^[a-z0-9-]{1,40}$/).optional(),
  targetWaitMinutes: z.number().int().min(1).max(480).optional(),
  /** null: no cap */
  dailyCap: z.number().int().min(1).max(9999).nullable().optional(),
  active: z.boolean().optional(),
})
export type ServicePatchBody = z.infer<typeof ServicePatchBody>

export const AuditQuery = z.strictObject({
  /** one kind; 'settings': every setting change (the audit log) and nothing else */
  entity: z.enum([...AUDIT_ENTITIES, 'settings']).optional(),
  /** a service day, 'YYYY-MM-DD' (default: today in the center's time zone); the same as from = to = day */
  day: z.iso.date().optional(),
  /** the first and last service day of a range (H7); either alone: that one day */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  /** only what this staff member did */
  staff: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  /** the `next` of the page before (H7) */
  cursor: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\.[acdt]\.\d{1,18}$/).optional(),
  /** csv: every entry of the filters (no paging), for Excel */
  format: z.enum(['json', 'csv']).optional(),
  /** read by the language chooser; allowed here so `?lang=en` is not an unknown field */
  lang: z.string().max(10).optional(),
})

const ServiceIdList = z.array(z.uuid()).max(50)

/** A counter's name and its services in two tiers (the lists replace the counter's `counter_service` rows). */
export const CounterPatchBody = z.strictObject({
  /** '' = no name (the number alone) */
  name: z.string().trim().max(60).optional(),
  services: z.strictObject({
    primary: ServiceIdList.min(1),
    backup: ServiceIdList,
  }).superRefine((v, ctx) => {
    const seen = new Set<string>()
    for (const tier of ['primary', 'backup'] as const) v[tier].forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [tier, i], message: 'a service is listed once, in one tier' })
      seen.add(id)
    })
  }).optional(),
  /** false: deactivated (only a closed counter); true: offered to clerks again */
  active: z.boolean().optional(),
})
export type CounterPatchBody = z.infer<typeof CounterPatchBody>

const HM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/
const Interval = z.tuple([z.string().regex(HM), z.string().regex(HM)])
/** one day's open intervals, in order, not overlapping (also set-up's hours: common/setup-schemas.ts) */
export const DayHours = z.array(Interval).max(6).superRefine((list, ctx) => {
  list.forEach(([from, to], i) => {
    if (from >= to) ctx.addIssue({ code: 'custom', path: [i], message: 'an interval ends after it starts' })
    else if (i > 0 && from < list[i - 1]![1]) ctx.addIssue({ code: 'custom', path: [i], message: 'intervals are in order and do not overlap' })
  })
})

/**
 * W3 (issue 21): the agency identifier that starts every dossier code (Decree 118/2025 Art. 28.a, `center.dossier_prefix`):
 * 1–6 capitals or digits ("NS"), or the national identifier code, groups of them joined by dots ("000.00.19.H09"), at most 20
 * characters (migration 0015).
 */
export const AgencyIdentifier = z.string().trim().toUpperCase().max(20).regex(/^[A-Z0-9]{1,6}(\.[A-Z0-9]{1,6}){0,4}$/)

/** Opening hours (ISO weekday '1' = Monday … '7' = Sunday; a missing or empty day is closed), cut-off, announcement. */
export const CenterSettingsPatchBody = z.strictObject({
  /** W3: the agency identifier of the dossier codes (from the next dossier on) */
  dossierPrefix: AgencyIdentifier.optional(),
  openingHours: z.strictObject({
    1: DayHours.optional(), 2: DayHours.optional(), 3: DayHours.optional(), 4: DayHours.optional(),
    5: DayHours.optional(), 6: DayHours.optional(), 7: DayHours.optional(),
  }).optional(),
  /** 'HH:MM': no ticket is issued from then on; null = until closing */
  ticketCutoff: z.string().regex(HM).nullable().optional(),
  announcementTemplate: z.string().trim().min(1).max(200)
    .refine((s) => s.includes('{code}') && s.includes('{counter}'), 'must contain {code} and {counter}').optional(),
  /** a counter paused this many minutes or longer alerts the floor view */
  pauseAlertMinutes: z.number().int().min(1).max(480).optional(),
})
export type CenterSettingsPatchBody = z.infer<typeof CenterSettingsPatchBody>

/** The national database's procedure code (mã thủ tục): "1.001193", or with a province's suffix "2.002165.000.00.00.H09". */
export const NATIONAL_CODE = /^[0-9]\.[0-9]{6}(\.[0-9A-Z]{1,6}){0,6}$/

/** Lower-case letters, digits and dashes: what URLs, the kiosk and dossiers use to name a procedure or a group. */
const Code = z.string().trim().regex(/^[a-z0-9-]{2,40}$/)
const Name = (max: number) => z.string().trim().min(1).max(max)

const DocumentList = z.array(z.string().trim().min(1).max(300)).max(30).superRefine((list, ctx) => {
  const seen = new Set<string>()
  list.forEach((d, i) => {
    const key = d.toLocaleLowerCase('vi')
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: 'a document is listed once' })
    seen.add(key)
  })
})

const ProcedureFields = {
  serviceId: z.uuid(),
  code: Code,
  nameVi: Name(200),
  nameEn: Name(200),
  /** legal processing time in working days; 0 = the same day */
  processingDays: z.number().int().min(0).max(365),
  /** in đồng */
  feeVnd: z.number().int().min(0).max(100_000_000),
  /** "2.000 đồng/trang", "Miễn lệ phí"; '' = none */
  feeNote: z.string().trim().max(200),
  documents: DocumentList,
  active: z.boolean(),
  /** null: not given */
  nationalCode: z.string().trim().regex(NATIONAL_CODE).nullable(),
  onlineLevel: z.enum(ONLINE_LEVELS),
}

/** A new procedure; fee note, documents and active may be left out ('', [], true). */
export const ProcedureCreateBody = z.strictObject({
  ...ProcedureFields,
  feeNote: ProcedureFields.feeNote.optional(),
  documents: ProcedureFields.documents.optional(),
  active: ProcedureFields.active.optional(),
  nationalCode: ProcedureFields.nationalCode.optional(),
  onlineLevel: ProcedureFields.onlineLevel.optional(),
})
export type ProcedureCreateBody = z.infer<typeof ProcedureCreateBody>

/** Any of a procedure's fields; `documents` replaces the whole list. */
export const ProcedurePatchBody = z.strictObject(ProcedureFields).partial()
export type ProcedurePatchBody = z.infer<typeof ProcedurePatchBody>

/**
 * A procedure catalog to import (H7): a CSV file's text (UTF-8, `;` or `,` between fields, a header row), or a
 * JSON list as the JSON export writes it. Each row is checked by the import itself, which lists every
 * problem with its row number; this only bounds the request.
 */
export const ProcedureImportBody = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('csv'), csv: z.string().min(1).max(PROCEDURE_IMPORT_MAX_CHARS) }),
  z.strictObject({ format: z.literal('json'), procedures: z.array(z.record(z.string().max(40), z.unknown())).min(1).max(PROCEDURE_IMPORT_MAX_ROWS) }),
])
export type ProcedureImportBody = z.infer<typeof ProcedureImportBody>

export const ProcedureExportQuery = z.strictObject({
  format: z.enum(['csv', 'json']).optional(),
  lang: z.string().max(10).optional(),
})

/**
 * A password as typed: never logged, never returned. Its rules (at least 12 characters, not a common one, not the
 * username) are the server's, checked where it is set (server/auth/password-policy.ts), each with its own code.
 */
export const Password = z.string().min(1).max(200)

export const StaffCreateBody = z.strictObject({
  /** stored lower-case: login reads it so */
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,40}$/),
  fullName: Name(120),
  /** manager and admin accounts: an admin only */
  role: z.enum(['clerk', 'manager', 'admin']),
  /** left out (as the console does): the server makes a one-time password and answers it once */
  password: Password.optional(),
})
export type StaffCreateBody = z.infer<typeof StaffCreateBody>

/** Name, role (within a center: clerk or manager) and active; deactivating ends the account's sessions. */
export const StaffPatchBody = z.strictObject({
  fullName: Name(120).optional(),
  role: z.enum(['clerk', 'manager']).optional(),
  active: z.boolean().optional(),
})
export type StaffPatchBody = z.infer<typeof StaffPatchBody>

/** A reset takes nothing: the server makes a one-time password and answers it once. */
export const PasswordResetBody = z.strictObject({})

/** One's own change: the current password and the new one. */
export const OwnPasswordBody = z.strictObject({ currentPassword: Password, newPassword: Password })
export type OwnPasswordBody = z.infer<typeof OwnPasswordBody>

const PriorityGroupFields = {
  nameVi: Name(120),
  nameEn: Name(120),
  bonusMinutes: z.number().int().min(0).max(600),
  active: z.boolean(),
}

export const PriorityGroupCreateBody = z.strictObject({ code: Code, ...PriorityGroupFields, active: PriorityGroupFields.active.optional() })
export type PriorityGroupCreateBody = z.infer<typeof PriorityGroupCreateBody>

/** The code is fixed once created: kiosks send it. */
export const PriorityGroupPatchBody = z.strictObject(PriorityGroupFields).partial()
export type PriorityGroupPatchBody = z.infer<typeof PriorityGroupPatchBody>

// ---- centers, services, counters administration (H6) ----

/** A center's code in URLs (`?center=na-sang`); fixed once created: kiosks and displays are set up with it. */
const Slug = z.string().trim().toLowerCase().regex(/^[a-z0-9-]{2,40}$/)
const DossierPrefix = AgencyIdentifier

/** A new center (admin); `template`: the slug of a center whose settings it starts with (docs/staff.md). */
export const CenterCreateBody = z.strictObject({
  slug: Slug,
  name: Name(200),
  nameEn: z.string().trim().max(200).optional(),
  /** dossier codes start with it (NS-261123-0007); default: the slug's initials */
  dossierPrefix: DossierPrefix.optional(),
  address: z.string().trim().max(300).optional(),
  /** default: the template's */
  province: z.string().trim().max(100).optional(),
  template: Slug.optional(),
})
export type CenterCreateBody = z.infer<typeof CenterCreateBody>

/** Names, dossier prefix, active (admin). The slug and time zone stay. */
export const CenterPatchBody = z.strictObject({
  name: Name(200).optional(),
  nameEn: z.string().trim().max(200).optional(),
  dossierPrefix: DossierPrefix.optional(),
  address: z.string().trim().max(300).optional(),
  province: z.string().trim().max(100).optional(),
  active: z.boolean().optional(),
})
export type CenterPatchBody = z.infer<typeof CenterPatchBody>

/** A new service (manager); its prefix letter is fixed once created (ticket codes carry it). */
export const ServiceCreateBody = z.strictObject({
  prefix: z.string().trim().toUpperCase().regex(/^[A-Z]{1,2}$/),
  nameVi: Name(120),
  nameEn: Name(120),
  icon: z.string().regex(/^[a-z0-9-]{1,40}$/).optional(),
  targetWaitMinutes: z.number().int().min(1).max(480).optional(),
  dailyCap: z.number().int().min(1).max(9999).nullable().optional(),
})
export type ServiceCreateBody = z.infer<typeof ServiceCreateBody>

/** The center's services in their new order (every one of them, each once). */
export const ServiceOrderBody = z.strictObject({
  serviceIds: z.array(z.uuid()).min(1).max(100).refine((ids) => new Set(ids).size === ids.length, 'each service once'),
})
export type ServiceOrderBody = z.infer<typeof ServiceOrderBody>

/** A new counter (manager): its number (unique in the center), a name, its services in two tiers. */
export const CounterCreateBody = z.strictObject({
  number: z.number().int().min(1).max(999),
  name: z.string().trim().max(60).optional(),
  services: CounterPatchBody.shape.services.unwrap(),
})
export type CounterCreateBody = z.infer<typeof CounterCreateBody>
