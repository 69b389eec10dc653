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
  entity: z.enum(AUDIT_ENTITIES).optional(),
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
})
export type CenterSettingsPatchBody = z.infer<typeof CenterSettingsPatchBody>
