// What the set-up page fills in for the admin (no zod here: the page's bundle stays small).

/** Vietnam's one time zone, the default of a new center */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh'

/**
 * The slug the page suggests for a center's name: "Trung tâm Phục vụ hành chính công xã Mường Chà" → "muong-cha",
 * "Bộ phận một cửa Điện Biên" → "bo-phan-mot-cua-dien-bien"
 * (Vietnamese marks off, đ → d, words joined by dashes, at most 40 characters).
 */
export function suggestSlug(name: string): string {
  // "… xã Na Sang" → "na-sang", as the demo's: the commune's name is what tells centers apart
  const commune = /(?:^|\s)(?:xã|phường|thị trấn|đặc khu)\s+(\S.*)$/iu.exec(name.trim())?.[1] ?? name
  return commune.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '')
}
