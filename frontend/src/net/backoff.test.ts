import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 30 s (no jitter at random = 0.5)', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 10, 50].map((a) => backoffDelay(a, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000,
    ]);
  });
  it('jitters by ±25 %', () => {
    expect(backoffDelay(0, () => 0)).toBe(750);
    expect(backoffDelay(0, () => 0.999999)).toBe(1250);
    expect(backoffDelay(3, () => 0)).toBe(6000);
    expect(backoffDelay(20, () => 0)).toBe(22500);
    expect(backoffDelay(20, () => 0.999999)).toBe(37500);
  });
  it('stays within the band for any random value', () => {
    for (let a = 0; a < 12; a++) {
      const base = Math.min(30000, 1000 * 2 ** a);
      for (let i = 0; i <= 100; i++) {
        const d = backoffDelay(a, () => i / 101);
        expect(d).toBeGreaterThanOrEqual(base * 0.75);
        expect(d).toBeLessThan(base * 1.25);
      }
    }
  });
});
