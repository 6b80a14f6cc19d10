/** Nesting deeper than this makes the v0.4 fast path give up (the reference decoder handles any depth). */
export const MAX_DEPTH = 64
