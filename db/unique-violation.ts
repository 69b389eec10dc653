/** A unique constraint of PostgreSQL refused the write (a racing request got there first). */
export const isUniqueViolation = (e: unknown, constraint: string) =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505' &&
  String((e as { constraint?: string }).constraint ?? (e as Error).message).includes(constraint)
