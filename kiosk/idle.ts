/**
 * The kiosk goes back to its home screen, in Vietnamese, after a while without a touch, so the next
 * citizen never finds the last one's screen; never while a ticket is being issued.
 */

/** Back to the home screen (in Vietnamese) after this long without a touch. */
export const IDLE_MS = 30_000

interface Deps {
  /** a ticket is being issued: wait again */
  issuing(): boolean
  /** the home screen in Vietnamese is showing: nothing to do */
  atRest(): boolean
  goHome(): void
}

/** Starts listening for touches; the returned function starts (or restarts) the wait. */
export function watchIdle(deps: Deps): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const touched = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      if (deps.issuing()) return touched()
      if (!deps.atRest()) deps.goHome()
    }, IDLE_MS)
  }
  for (const ev of ['pointerdown', 'keydown', 'touchstart', 'input']) window.addEventListener(ev, touched, { passive: true })
  return touched
}
