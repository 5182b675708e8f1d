// The join code the console hands out.
import type { Invite } from './api';

/**
 * The code to hand out: the newest invite with more than an hour left (as `hexcrawl serve`
 * prints it), so the demo's code is the one the window shows and codes do not pile up.
 */
export function currentInvite(list: readonly Invite[], now: number = Date.now()): Invite | null {
  let best: Invite | null = null;
  for (const inv of list) {
    const until = Date.parse(inv.expiresAt);
    if (!(until - now > 3_600_000)) continue;
    if (!best || until > Date.parse(best.expiresAt)) best = inv;
  }
  return best;
}

/** "CNV74429YX" → "CNV74-429YX": easier to read aloud; the hub ignores dashes. */
export function formatCode(code: string): string {
  return code.length > 6 ? code.replace(/(.{5})(?=.)/g, '$1-') : code;
}
