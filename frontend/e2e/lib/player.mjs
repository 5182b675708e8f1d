// Helpers that look at a player page: its store (what the socket delivered) and its canvas
// (what was actually drawn).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = fileURLToPath(new URL('../../e2e-artifacts/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

export async function shot(page, name) {
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/** Joins through the UI: open the join link, type a name, press Join, wait for the table. */
export async function joinViaLink(page, hubUrl, code, name) {
  await page.goto(`${hubUrl}/join/${encodeURIComponent(code)}`);
  await page.waitForSelector('[data-testid=join-name]');
  const prefilled = await page.inputValue('[data-testid=join-code]');
  if (prefilled !== code) throw new Error(`join link did not pre-fill the code: ${JSON.stringify(prefilled)}`);
  await page.fill('[data-testid=join-name]', name);
  await page.click('[data-testid=join-submit]');
  await waitForState(page);
}

export async function waitForState(page, timeout = 10000) {
  await page.waitForFunction(() => window.__hexcrawl?.store.getState().data != null, null, { timeout });
}

export function summary(page) {
  return page.evaluate(() => {
    const s = window.__hexcrawl?.store.getState();
    const d = s?.data;
    if (!d) return null;
    return {
      connection: s.connection.kind,
      you: d.you,
      status: d.session?.status ?? 'waiting',
      preparing: d.preparing,
      token: d.token,
      map: d.map,
      labels: Object.fromEntries(d.labels),
      players: [...d.players.values()],
      visible: [...d.cells].flatMap((c, i) => (c === 255 ? [] : [`${i % d.map.width},${Math.floor(i / d.map.width)}`])),
    };
  });
}

/** Waits until `fn(summary)` is true (polling inside the page's store). */
export async function waitUntil(page, fn, what, timeout = 8000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await summary(page).catch(() => null);
    if (last && fn(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last && { ...last, visible: last.visible.length })}`);
}

/**
 * Colour drawn on the canvas inside a hex (above the centre, clear of glyphs, labels and the
 * token), as [r, g, b]. Null when the hex is off screen.
 */
export function hexColour(page, key) {
  return page.evaluate((key) => {
    const h = window.__hexcrawl?.map();
    const r = h?.renderer();
    if (!r) return null;
    const c = r.hexCenter(key);
    if (!c) return null;
    const s = r.getView().scale;
    const { w, h: ht } = r.size();
    const x = c.x;
    const y = c.y - 0.72 * s;
    if (x < 0 || y < 0 || x >= w || y >= ht) return null;
    const dpr = r.canvas.width / w;
    const px = r.canvas.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
    return [px[0], px[1], px[2]];
  }, key);
}

/**
 * Waits until `ok(colour)` holds for the hex's drawn colour (a reveal fades in, and under load a
 * frame may come late), then returns the colour; after `timeout` ms returns the last one read, so
 * the caller's assertion names what was drawn.
 */
export async function settledColour(page, key, ok, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const last = await hexColour(page, key);
    if (ok(last) || Date.now() > end) return last;
    await page.waitForTimeout(100);
  }
}

export function hexRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

export function near(a, b, tol = 14) {
  return a && b && a.every((v, i) => Math.abs(v - b[i]) <= tol);
}

/** hexColour for many hexes in one round trip: key → [r, g, b] or null (off screen). */
export function hexColours(page, keys) {
  return page.evaluate((keys) => {
    const r = window.__hexcrawl?.map()?.renderer();
    if (!r) return {};
    const s = r.getView().scale;
    const { w, h } = r.size();
    const dpr = r.canvas.width / w;
    const ctx = r.canvas.getContext('2d');
    const out = {};
    for (const key of keys) {
      const c = r.hexCenter(key);
      const x = c?.x;
      const y = c ? c.y - 0.72 * s : -1;
      if (!c || x < 0 || y < 0 || x >= w || y >= h) {
        out[key] = null;
        continue;
      }
      const px = ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
      out[key] = [px[0], px[1], px[2]];
    }
    return out;
  }, keys);
}
