import { z } from 'zod'
import { AUDIT_ENTITIES } from './staff-types.js'

// Request shapes of the manager's settings (server validation, typed page calls).
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
  /** a service day, 'YYYY-MM-DD' (default: today in the center's time zone) */
  day: z.iso.date().optional(),
  /** only what this staff member did */
  staff: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
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
})
export type CounterPatchBody = z.infer<typeof CounterPatchBody>

const HM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/
const Interval = z.tuple([z.string().regex(HM), z.string().regex(HM)])
const DayHours = z.array(Interval).max(6).superRefine((list, ctx) => {
  list.forEach(([from, to], i) => {
    if (from >= to) ctx.addIssue({ code: 'custom', path: [i], message: 'an interval ends after it starts' })
    else if (i > 0 && from < list[i - 1]![1]) ctx.addIssue({ code: 'custom', path: [i], message: 'intervals are in order and do not overlap' })
  })
})

/** Opening hours (ISO weekday '1' = Monday … '7' = Sunday; a missing or empty day is closed), cut-off, announcement. */
export const CenterSettingsPatchBody = z.strictObject({
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
}

/** A new procedure; fee note, documents and active may be left out ('', [], true). */
export const ProcedureCreateBody = z.strictObject({
  ...ProcedureFields,
  feeNote: ProcedureFields.feeNote.optional(),
  documents: ProcedureFields.documents.optional(),
  active: ProcedureFields.active.optional(),
})
export type ProcedureCreateBody = z.infer<typeof ProcedureCreateBody>

/** Any of a procedure's fields; `documents` replaces the whole list. */
export const ProcedurePatchBody = z.strictObject(ProcedureFields).partial()
export type ProcedurePatchBody = z.infer<typeof ProcedurePatchBody>

/** At least 10 characters; never logged, never returned. */
export const Password = z.string().min(10).max(200)

export const StaffCreateBody = z.strictObject({
  /** stored lower-case: login reads it so */
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,40}$/),
  fullName: Name(120),
  /** manager and admin accounts: an admin only */
  role: z.enum(['clerk', 'manager', 'admin']),
  password: Password,
})
export type StaffCreateBody = z.infer<typeof StaffCreateBody>

/** Name, role (within a center: clerk or manager) and active; deactivating ends the account's sessions. */
export const StaffPatchBody = z.strictObject({
  fullName: Name(120).optional(),
  role: z.enum(['clerk', 'manager']).optional(),
  active: z.boolean().optional(),
})
export type StaffPatchBody = z.infer<typeof StaffPatchBody>

export const PasswordResetBody = z.strictObject({ password: Password })

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
