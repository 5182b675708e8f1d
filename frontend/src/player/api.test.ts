// What a player reads when a join is refused: the hub's own words where it gives a reason.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../net/http';
import { joinErrorText } from './api';

describe('joinErrorText', () => {
  it.each([
    [403, 'forbidden', 'the DM removed you from this campaign; ask the DM if you should rejoin', /^The DM removed you/],
    [409, 'conflict', 'this campaign already has 100 players', /^This campaign already has 100/],
    [429, 'rate_limited', 'too many join attempts from this device: wait 4 seconds and try again', /wait 4 seconds/],
    [404, 'not_found', 'unknown join code', /No invite matches/],
  ])('%i says why', (status, code, message, want) => {
    expect(joinErrorText(new ApiError(status, code, message))).toMatch(want);
  });

  it('a network failure says so', () => {
    expect(joinErrorText(new TypeError('fetch failed'))).toMatch(/Cannot reach the hub/);
  });
});
