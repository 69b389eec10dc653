import { z } from 'zod'
import { DayHours } from './staff-schemas.js'
import { DEFAULT_TIME_ZONE } from './setup-defaults.js'

// The set-up page's request (server/setup/): the first admin and the first center of an empty install.

/** What a start prints after `/thiet-lap#`: 32 random bytes, base64url. Any other text is a wrong token, not a bad request. */
export const SetupToken = z.string().min(1).max(200)

/** An IANA time zone this runtime knows ('Asia/Ho_Chi_Minh'); PostgreSQL reads the same names. */
export const TimeZone = z.string().trim().max(64).regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/)
  .refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true } catch { return false } }, 'unknown time zone')

/** a slug in URLs (`?center=muong-cha`): lower-case letters, digits and single dashes, not at either end */
export const CenterSlug = z.string().trim().regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/)

export const SetupBody = z.strictObject({
  token: SetupToken,
  admin: z.strictObject({
    fullName: z.string().trim().min(1).max(120),
    /** stored lower-case: login reads it so */
    username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{3,40}$/),
    /** the password rules (server/auth/password-policy.ts) are checked by the service: they need the username */
    password: z.string().min(1).max(200),
  }),
  center: z.strictObject({
    name: z.string().trim().min(1).max(200),
    slug: CenterSlug,
    address: z.string().trim().min(1).max(300),
    province: z.string().trim().min(1).max(100),
    timeZone: TimeZone.default(DEFAULT_TIME_ZONE),
    /** ISO weekday '1' (Monday) … '7' to open intervals; a missing or empty day is closed; at least one day open */
    openingHours: z.strictObject({
      1: DayHours.optional(), 2: DayHours.optional(), 3: DayHours.optional(), 4: DayHours.optional(),
      5: DayHours.optional(), 6: DayHours.optional(), 7: DayHours.optional(),
    }).refine((w) => Object.values(w).some((d) => d && d.length > 0), 'at least one day is open'),
  }),
})
export type SetupBody = z.infer<typeof SetupBody>

export const SetupCheckBody = z.strictObject({ token: SetupToken })
