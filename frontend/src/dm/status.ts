// The session status rule the DM console needs in several places, written once.
// TODO(issue 16): moves to src/protocol/constants.ts beside the other shared constants once that
// file lands (w16-backend); then import it from there and delete this file.
import type { SessionStatus } from '../protocol/schema';

/** A session is live while it is active or paused: reveals, hides, party moves and staging apply. */
export function isLive(status: SessionStatus | null | undefined): boolean {
  return status === 'active' || status === 'paused';
}
