import { defineConfig } from 'vite'

// Multi-page build of the citizen and staff pages (DESIGN.md §2): the server serves
// dist/pages/{kiosk,display,portal,staff}/index.html and dist/pages/assets (server/http/pages.ts).
const root = new URL('.', import.meta.url).pathname
const backend = 'http://127.0.0.1:3000'

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist/pages',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // the display's voice clips (web/voice/vi/*.ogg, issue 23) stay files: fetched once, cached a year, never inlined in a script
    assetsInlineLimit: (file: string) => (file.endsWith('.ogg') ? false : undefined),
    rolldownOptions: {
      input: {
        kiosk: `${root}kiosk/index.html`,
        display: `${root}display/index.html`,
        portal: `${root}portal/index.html`,
        staff: `${root}staff/index.html`,
        // the printable dossier slips (/staff/phieu/:id), a page of its own: light, and only print CSS
        slip: `${root}staff/slip.html`,
        // the one-time set-up page of an empty install (/thiet-lap)
        setup: `${root}staff/setup.html`,
      },
    },
  },
  server: {
    // `npm run dev` (the API server) on :3000, `npx vite` for the pages with live reload
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
})
