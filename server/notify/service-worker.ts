/**
 * The phone pages' service worker (served as /sw.js): it shows a pushed message as a notification, with
 * the page closed or the screen off, and a tap opens (or focuses) the ticket or dossier page. The pages
 * store that page's full address (with its secret, which never leaves the phone) in the Cache API under
 * the notification's tag. Plain JavaScript: it runs in the browser as is.
 */
export const SERVICE_WORKER = `'use strict'
const CACHE = 'mot-cua-notify'
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('push', (event) => {
  let m = {}
  try { m = event.data ? event.data.json() : {} } catch (e) { m = { body: event.data ? event.data.text() : '' } }
  event.waitUntil(self.registration.showNotification(m.title || 'Một Cửa', {
    body: m.body || '', tag: m.tag || 'mot-cua', renotify: true, requireInteraction: m.kind === 'ticket.called',
    vibrate: m.kind === 'ticket.called' ? [400, 200, 400, 200, 800] : [200], lang: m.lang || 'vi', data: { tag: m.tag || '' },
  }))
})
self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil((async () => {
    const tag = (event.notification.data && event.notification.data.tag) || ''
    const cache = await caches.open(CACHE)
    const hit = tag ? await cache.match('/__notify/' + encodeURIComponent(tag)) : undefined
    const url = hit ? await hit.text() : '/'
    const wins = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
    for (const w of wins) if (w.url === new URL(url, self.location.origin).href && 'focus' in w) return w.focus()
    return self.clients.openWindow(url)
  })())
})
`
