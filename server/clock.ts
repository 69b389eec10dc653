/** Injected everywhere time matters, so tests can stand at any moment of any day. */
export type Clock = () => Date
export const systemClock: Clock = () => new Date()
