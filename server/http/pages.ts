import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { Router } from 'express'

/**
 * Where `vite build` writes the pages (kiosk, display, portal, staff): dist/pages of the project, the first
 * folder up from this file with a package.json (server/http from source; dist/server/server/http compiled).
 */
export const PAGES_DIR = join(projectRoot(dirname(fileURLToPath(import.meta.url))), 'dist/pages/')

function projectRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('no package.json above the server code')
    dir = dirname(dir)
  }
  return dir
}

// page path → the built HTML entry that serves it (the portal serves every citizen phone page)
export const ENTRIES: [string, string][] = [
  ['/kiosk', 'kiosk/index.html'],
  ['/display', 'display/index.html'],
  ['/staff', 'staff/index.html'],
  ['/staff/phieu/:dossierId', 'staff/slip.html'],
  ['/t/:ticketId', 'portal/index.html'],
  ['/tra-cuu', 'portal/index.html'],
  ['/danh-gia/:ticketId', 'portal/index.html'],
  ['/danh-gia', 'portal/index.html'], // the counter tablet: ?counter=N&center=slug
  ['/nop-ho-so', 'portal/index.html'],
  ['/dat-lich', 'portal/index.html'], // appointments (issue 24)
  ['/dat-lich/:appointmentId', 'portal/index.html'],
  ['/thiet-lap', 'staff/setup.html'], // an empty install's one-time set-up link: /thiet-lap#<token>
]

/** Serves the built pages; without a build it says how to make one instead of a bare 404. */
export function pagesRouter(dir: string = PAGES_DIR): Router {
  const r = Router()
  r.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }))
  for (const [path, file] of ENTRIES) {
    r.get(path, (_req, res) => {
      const full = join(dir, file)
      if (!existsSync(full)) {
        res.status(503).type('text/plain; charset=utf-8').send('Trang chưa được build. Chạy: npm run build\nPages are not built. Run: npm run build\n')
        return
      }
      res.sendFile(full, { headers: { 'cache-control': 'no-cache' } })
    })
  }
  r.get('/', (_req, res) => res.redirect('/kiosk'))
  return r
}
