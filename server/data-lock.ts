import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'

export class DataDirLockedError extends Error {}

// Lock files this process holds. A lock file naming our own pid that is not in here was left by an
// earlier life of this pid (a container restarts with the same pid): stale, and taken over.
const held = new Set<string>()

function lockedBy(pid: number, dataDir: string): DataDirLockedError {
  return new DataDirLockedError(
    `Another Một Cửa server (pid ${pid}) is already using the data directory ${dataDir}.\n` +
    `Stop it first, or give this one another directory: DATA_DIR=./data2 npm start`)
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/**
 * PGlite has no multi-process lock and two processes on one data directory silently lose writes:
 * the first process takes `motcua.lock` (its pid); a second refuses while that pid lives.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const path = resolve(join(dataDir, 'motcua.lock'))
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      held.add(path)
      let released = false
      return () => { if (!released) { released = true; held.delete(path); rmSync(path, { force: true }) } }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      let text: string
      try { text = readFileSync(path, 'utf8') } catch (r) {
        if ((r as NodeJS.ErrnoException).code === 'ENOENT') continue // released meanwhile: try again
        throw r
      }
      const pid = Number(text.trim())
      const holder = pid === process.pid ? held.has(path) : Number.isInteger(pid) && pid > 0 && alive(pid)
      if (holder) {
        throw lockedBy(pid, dataDir)
      }
      // Left behind by a process that died. Move it aside atomically and check that what moved is the
      // stale file we judged: two processes starting at once may both have read it, and the slower one
      // must not delete the lock the faster one has just taken (it puts that one back instead).
      const aside = `${path}.stale-${process.pid}-${Date.now()}`
      try { renameSync(path, aside) } catch (r) {
        if ((r as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw r
      }
      if (readFileSync(aside, 'utf8') !== text) {
        renameSync(aside, path)
        throw lockedBy(Number(readFileSync(path, 'utf8').trim()), dataDir)
      }
      rmSync(aside, { force: true })
    }
  }
  throw new DataDirLockedError(`Could not take the lock on ${dataDir}`)
}
