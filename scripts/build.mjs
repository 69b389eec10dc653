#!/usr/bin/env node
// @ts-check
/**
 * Builds what `npm start` runs, each part only when its sources changed since it was last built: the pages
 * (vite → dist/pages) and the server (tsc → dist/server). A part is up to date when dist/<part>.sha256 holds the
 * SHA-256 of its source files' paths and contents (mtimes are no guide: every git clone resets them), written
 * once its build succeeded. Plain JavaScript: it runs before anything is compiled, and in a production image.
 *
 *   node scripts/build.mjs [pages] [server] [--force] [--dry-run]     (no part named: both)
 *
 * `--dry-run` prints `stale <part>` for each part that would be built, and builds nothing (tests/start.test.ts
 * checks the stamp logic with it after one real build: seven real builds cost the suite ~45 s of CPU).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SHARED = ['package-lock.json', 'scripts/build.mjs'] // dependency versions, and how the parts are built
const PARTS = {
  pages: {
    inputs: ['kiosk', 'display', 'portal', 'staff', 'web', 'common', 'vite.config.ts', 'tsconfig.pages.json'],
    tool: ['vite', 'vite'],
    build: (/** @type {string} */ vite) => run(vite, ['build', '--logLevel', 'warn']),
  },
  server: {
    inputs: ['server', 'db', 'common', 'tsconfig.json', 'tsconfig.server.json'],
    tool: ['typescript', 'tsc'],
    build: (/** @type {string} */ tsc) => {
      rmSync(join(ROOT, 'dist/server'), { recursive: true, force: true })
      // emit only: type errors are `npm run typecheck`'s (and CI's) to report, not a reason to refuse to start
      run(tsc, ['-p', 'tsconfig.server.json', '--noCheck'])
      // files the server reads beside its code (a word list…) go beside the compiled code too
      for (const dir of ['server', 'db', 'common']) {
        for (const file of files(dir)) {
          if (file.endsWith('.ts')) continue
          mkdirSync(dirname(join(ROOT, 'dist/server', file)), { recursive: true })
          copyFileSync(join(ROOT, file), join(ROOT, 'dist/server', file))
        }
      }
    },
  },
}

/** @param {string} path a file or directory under ROOT @returns {string[]} its files, relative to ROOT, sorted */
function files(path) {
  const full = join(ROOT, path)
  if (!existsSync(full)) return []
  if (!statSync(full).isDirectory()) return [path]
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)))
    .sort()
}

/** @param {string[]} inputs */
function sourceHash(inputs) {
  const h = createHash('sha256')
  for (const file of [...inputs, ...SHARED].flatMap(files)) h.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0')
  return h.digest('hex')
}

/** @param {string} pkg @param {string} name @returns {string} the path of a dev dependency's executable */
function bin(pkg, name) {
  const require = createRequire(join(ROOT, 'package.json'))
  let manifest
  try { manifest = require.resolve(`${pkg}/package.json`) } catch {
    throw new Error(`${pkg} is not installed (an install without dev dependencies?): run \`npm install\`, then \`npm run build\``)
  }
  const bins = JSON.parse(readFileSync(manifest, 'utf8')).bin
  return join(dirname(manifest), typeof bins === 'string' ? bins : bins[name])
}

/** @param {string} script @param {string[]} args */
function run(script, args) {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`${relative(ROOT, script)} ${args.join(' ')} failed`)
}

const args = process.argv.slice(2)
const force = args.includes('--force')
const dryRun = args.includes('--dry-run')
const named = args.filter((a) => a !== '--force' && a !== '--dry-run')
const unknown = named.filter((a) => !(a in PARTS))
if (unknown.length) {
  process.stderr.write(`unknown part ${unknown.join(', ')}: use pages, server, --force or --dry-run\n`)
  process.exit(2)
}
try {
  for (const name of named.length ? named : Object.keys(PARTS)) {
    const part = PARTS[/** @type {keyof typeof PARTS} */ (name)]
    const stamp = join(ROOT, `dist/${name}.sha256`)
    const hash = sourceHash(part.inputs)
    if (!force && existsSync(join(ROOT, 'dist', name)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) continue
    if (dryRun) { process.stdout.write(`stale ${name}\n`); continue }
    const tool = bin(part.tool[0], part.tool[1]) // before anything is removed: a production install keeps its build
    const started = Date.now()
    rmSync(stamp, { force: true }) // a build that fails half-way is not up to date
    part.build(tool)
    mkdirSync(dirname(stamp), { recursive: true })
    writeFileSync(stamp, `${hash}\n`)
    process.stdout.write(`built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s (dist/${name})\n`)
  }
} catch (err) {
  process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n\n`)
  process.exit(1)
}
