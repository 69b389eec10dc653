/** Line icons for the services' `icon` names (24×24, stroke = currentColor). */
const PATHS: Record<string, string> = {
  family: '<circle cx="8" cy="6" r="2.5"/><circle cx="16" cy="6" r="2.5"/><path d="M3.5 20v-5a4.5 4.5 0 0 1 9 0v5"/><path d="M11.5 20v-5a4.5 4.5 0 0 1 9 0v5"/><circle cx="12" cy="13" r="1.8"/>',
  stamp: '<path d="M9 3h6l-1 7h-4z"/><path d="M5 14h14v3H5z"/><path d="M4 21h16"/><path d="M10 10h4v4h-4z"/>',
  land: '<path d="M3 20h18"/><path d="M3 20l5-9 4 5 3-4 6 8"/><circle cx="17" cy="6" r="2"/>',
  people: '<circle cx="12" cy="7" r="3"/><path d="M6 20v-3a6 6 0 0 1 12 0v3"/><circle cx="4.5" cy="10" r="2"/><circle cx="19.5" cy="10" r="2"/><path d="M1.5 19v-2a3 3 0 0 1 3.5-3"/><path d="M22.5 19v-2a3 3 0 0 0-3.5-3"/>',
  shop: '<path d="M4 10v10h16V10"/><path d="M2.5 10l2-6h15l2 6z"/><path d="M9.5 20v-5h5v5"/>',
  laptop: '<rect x="4" y="5" width="16" height="11" rx="1"/><path d="M2 19h20"/>',
  inbox: '<path d="M3 13l3-8h12l3 8v6H3z"/><path d="M3 13h5l1.5 3h5L16 13h5"/>',
  star: '<path d="M12 3l2.8 5.8 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.3l1.1-6.2L3 9.7l6.2-.9z"/>',
  book: '<path d="M4 4h7a3 3 0 0 1 3 3v13a2 2 0 0 0-2-2H4z"/><path d="M20 4h-5a3 3 0 0 0-3 3"/><path d="M20 4v14h-6"/>',
  queue: '<rect x="5" y="3" width="14" height="18" rx="2"/><path d="M9 8h6M9 12h6M9 16h4"/>',
  // not a service icon (staff/settings-new.ts ICONS): the kiosk's "Quét mã bằng camera"
  camera: '<path d="M3 8h4l2-3h6l2 3h4v11H3z"/><circle cx="12" cy="13" r="3.5"/>',
}

export function icon(name: string, size = 48): string {
  const d = PATHS[name] ?? PATHS.queue!
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${d}</svg>`
}
