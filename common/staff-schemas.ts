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
