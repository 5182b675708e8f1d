// End-to-end tests of the player's map view on phones and tablets: the real `hexcrawl serve`,
// Debian's Chromium under @playwright/test, the DM acting over the WebSocket protocol from node.
// What the canvas shows is checked in its pixels, where the view is in the renderer's view.
//   - the first view, on a 360×640 phone with the CPU 4× slower, a phone on its side and tablets in
//     both orientations: fitted to what the player knows, hexes big enough to tap, controls in
//     reach;
//   - updates leave the view alone; a pan moves cached pixels (few tiles rendered) and a tap
//     still finds the hex under the finger, after a pinch too;
//   - the view glides after the party token when it leaves the screen, and only then;
//   - a reconnect, and a reload, open fitted again (a large known area: centred on the party).
// Usage: npm run e2e:view (build first: npm run build && cd .. && go build -o hexcrawl .)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { serialSuite } from './lib/suite.mjs';
import { Relay } from './lib/relay.mjs';
import { hexColours, hexRgb, joinViaLink, near, shot, summary, waitForState, waitUntil } from './lib/player.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const terrainSrc = readFileSync(join(here, '../src/hex/terrain.ts'), 'utf8');
const colour = (name) => hexRgb(new RegExp(name === '' ? "^\\s*'': '(#[0-9a-f]{6})'" : `\\b${name}: '(#[0-9a-f]{6})'`, 'm').exec(terrainSrc)[1]);
const FOG_RGB = hexRgb(/FOG_COLOR = '(#[0-9a-f]{6})'/.exec(terrainSrc)[1]);
const TOKEN_RGB = hexRgb('#e0a030'); // the token's fill: the party's colour, the default party's (render/marks.ts)
// The smallest opening hex, side to side (render/fit.ts MIN_TAP_PX), and the insets the player's
// page fits the map within (player/PlayerSession.tsx FIT_INSETS), read from the source.
const MIN_TAP_PX = Number(/MIN_TAP_PX = (\d+)/.exec(readFileSync(join(here, '../src/render/fit.ts'), 'utf8'))[1]);
const INSETS = (() => {
  const m = /const FIT_INSETS = \{ top: (\d+), right: (\d+), bottom: (\d+), left: (\d+) \}/.exec(
    readFileSync(join(here, '../src/player/PlayerSession.tsx'), 'utf8'),
  );
  return { top: +m[1], right: +m[2], bottom: +m[3], left: +m[4] };
})();
const FIT_MARGIN = 16; // render/fit.ts

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ctx = {};
let hub;
let browser;
let port;
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-view-',
  failedPrefix: 'FAILED-view-',
  pages: () => [['phone', ctx.phone?.page], ...(ctx.others ?? []).map((o) => [o.name, o.page])],
  ready: (env) => ({ hub, browser, port } = env),
  teardown: async () => {
    ctx.dm?.close();
    await ctx.relay?.close();
  },
});

// Hex distance on an odd-q (flat) map, via cube coordinates.
const cube = (q, r) => ({ x: q, z: r - (q - (q & 1)) / 2 });
function dist(a, b) {
  const p = cube(a[0], a[1]);
  const o = cube(b[0], b[1]);
  return (Math.abs(p.x - o.x) + Math.abs(p.z - o.z) + Math.abs(p.x + p.z - o.x - o.z)) / 2;
}
const TERRAINS = ['plains', 'forest', 'hills', 'water', 'desert', 'coast', 'tundra'];
const terrainOf = (q, r) => TERRAINS[(q * 3 + r * 5) % TERRAINS.length];

async function newPhone(name, options) {
  const c = await browser.newContext(options);
  const page = await c.newPage();
  page.on('pageerror', (e) => console.log(`  [page error ${name}] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`  [console ${name}] ${m.text()}`);
  });
  return { name, c, page, cdp: await c.newCDPSession(page) };
}

const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const view = (page) => page.evaluate(() => window.__hexcrawl.map().renderer().getView());
const cache = (page) => page.evaluate(() => window.__hexcrawl.map().renderer().cacheStats());
const firstMap = (page) => page.waitForFunction(() => performance.getEntriesByName('hexcrawl:first-map').length > 0, null, { timeout: 20000 });

/** Screen geometry the checks need: hex centres, the visible part of the top bar and the controls. */
function layout(page, keys) {
  return page.evaluate((keys) => {
    const r = window.__hexcrawl.map().renderer();
    const box = (s) => {
      const b = document.querySelector(s)?.getBoundingClientRect();
      return b ? { left: b.left, top: b.top, right: b.right, bottom: b.bottom } : null;
    };
    const buttons = [...document.querySelectorAll('.controls button')].map((b) => {
      const x = b.getBoundingClientRect();
      return { left: x.left, top: x.top, w: x.width, h: x.height };
    });
    return {
      w: innerWidth,
      h: innerHeight,
      view: r.getView(),
      centres: Object.fromEntries(keys.map((k) => [k, r.hexCenter(k)])),
      titles: box('.topbar .titles'),
      controls: box('.controls'),
      buttons,
    };
  }, keys);
}

/** Keys whose centres are off screen, under the top bar's text or under the controls. */
function hidden(l, keys) {
  return keys.filter((k) => {
    const c = l.centres[k];
    if (!c || c.x < 0 || c.x > l.w || c.y < l.titles.bottom || c.y > l.h) return true;
    const b = l.controls;
    return b && c.x >= b.left && c.x <= b.right && c.y >= b.top && c.y <= b.bottom;
  });
}

/** The map's opening view on this page: all it knows on screen, hexes ≥ MIN_TAP_PX across, drawn. */
async function checkFitted(page, what) {
  const s = await summary(page);
  const l = await layout(page, s.visible);
  const across = l.view.scale * Math.sqrt(3);
  assert(across >= MIN_TAP_PX - 1e-6, `${what}: hexes ${across.toFixed(1)} px across, under ${MIN_TAP_PX}`);
  eq(hidden(l, s.visible), [], `${what}: known hexes off screen or under the controls`);
  // What the canvas shows there: each hex's terrain, not fog and not a stand-in of another hex.
  const px = await hexColours(page, s.visible);
  const wrong = s.visible.filter((k) => !near(px[k], colour(ctx.terrain.get(k) ?? '')));
  eq(wrong.map((k) => [k, px[k]]), [], `${what}: hexes not drawn in their terrain's colour`);
  return l;
}

/** Controls: every button a 44 px target; on phones at the bottom of the screen. */
function checkControls(l, what, { phone }) {
  assert(l.buttons.length >= 3, `${what}: ${l.buttons.length} map buttons`);
  for (const b of l.buttons) assert(b.w >= 44 && b.h >= 44, `${what}: a button is ${b.w}×${b.h}`);
  if (phone) {
    assert(l.h - l.controls.bottom <= 40, `${what}: controls end ${l.h - l.controls.bottom} px above the bottom`);
    assert(l.controls.top >= l.h / 2 - 1 || l.buttons.every((b) => b.top === l.buttons[0].top), `${what}: controls reach up to ${l.controls.top}`);
  }
}

/** Drags one finger from (x, y) by (dx, dy) in `steps` moves. */
async function touchDrag(cdp, x, y, dx, dy, steps = 8) {
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([px, py], id) => ({ x: px, y: py, id })) });
  await touch('touchStart', [[x, y]]);
  for (let k = 1; k <= steps; k++) await touch('touchMove', [[x + (dx * k) / steps, y + (dy * k) / steps]]);
  await touch('touchEnd', []);
}

// ------------------------------------------------------------------ tests

const CENTRE = [150, 40];

test('set up: a 200×200 map, a small revealed patch far from the middle, the party in the fog', { tag: '@setup' }, async () => {
  await hub.start();
  const camp = await hub.api('POST', '/api/campaigns', { name: 'Far Reaches' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Wide', width: 200, height: 200, orientation: 'flat' });
  const changes = [];
  ctx.terrain = new Map();
  ctx.patch = [];
  for (let q = CENTRE[0] - 4; q <= CENTRE[0] + 4; q++) {
    for (let r = CENTRE[1] - 4; r <= CENTRE[1] + 4; r++) {
      const d = dist([q, r], CENTRE);
      if (d > 2) continue;
      const key = `${q},${r}`;
      changes.push({ key, terrain: terrainOf(q, r), ...(d === 0 && { label: 'Watchtower' }) });
      ctx.terrain.set(key, terrainOf(q, r));
      ctx.patch.push(key);
    }
  }
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const { code } = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  Object.assign(ctx, { camp, map, code });
  ctx.dm = await hub.dm(camp.id);
  await ctx.dm.send({ type: 'session:start' }, 'session:statusChanged');
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: ctx.patch, targets: 'all' }, 'hex:revealed');
  await ctx.dm.placeParty('10,10'); // in the fog: the view neither opens nor glides there
  // The phone reaches the hub through a relay, so a later step can cut its connection.
  ctx.relay = await new Relay(port).start();
});

test('a 360×640 phone (CPU 4× slower) opens on what it knows, hexes big enough to tap, controls at the bottom', async () => {
  ctx.phone = await newPhone('phone', PHONE);
  const { page, cdp } = ctx.phone;
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await joinViaLink(page, ctx.relay.url, ctx.code, 'Pia');
  await firstMap(page);
  await page.waitForTimeout(1500); // the reveal fade, at a quarter of the speed
  const l = await checkFitted(page, 'phone');
  // 19 hexes fit at more than the minimum: the whole patch, larger than tappable.
  assert(l.view.scale * Math.sqrt(3) > MIN_TAP_PX + 10, `a small patch should open larger than the minimum, got ${l.view.scale}`);
  checkControls(l, 'phone', { phone: true });
  await shot(page, 'view-phone-opening');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
});

test('a phone on its side and tablets in both orientations open the same way', async () => {
  ctx.others = [];
  for (const [name, viewport, phone] of [
    ['phone-landscape', { width: 640, height: 360 }, true],
    ['tablet-portrait', { width: 768, height: 1024 }, false],
    ['tablet-landscape', { width: 1024, height: 768 }, false],
  ]) {
    const o = await newPhone(name, { viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    ctx.others.push(o);
    const r = await o.c.request.post(`${hub.url}/api/join`, { data: { code: ctx.code, name } });
    assert(r.ok(), `join ${name}: ${r.status()}`);
    await o.page.goto(hub.url + '/');
    await waitForState(o.page);
    await firstMap(o.page);
    await o.page.waitForTimeout(800);
    const l = await checkFitted(o.page, name);
    checkControls(l, name, { phone });
    await shot(o.page, `view-${name}-opening`);
  }
  // Landscape fits the patch at least as large as portrait on the same tablet.
  const [, portrait, landscape] = await Promise.all(ctx.others.map((o) => view(o.page)));
  assert(landscape.scale >= portrait.scale * 0.99, `tablet landscape ${landscape.scale} vs portrait ${portrait.scale}`);
  for (const o of ctx.others) await o.c.close();
  ctx.others = [];
});

test('updates leave the view alone; a pan moves cached pixels and a tap finds the hex under the finger', async () => {
  const { page, cdp } = ctx.phone;
  const v0 = await view(page);
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: ['154,40'], targets: 'all' }, 'hex:revealed');
  await ctx.dm.send({ type: 'hex:update', changes: [{ key: '151,40', terrain: 'ruins' }] }, 'hex:updated');
  ctx.terrain.set('151,40', 'ruins');
  await waitUntil(page, (s) => s.visible.includes('154,40'), 'the reveal');
  await page.waitForTimeout(800);
  eq(await view(page), v0, 'the view after a reveal and a terrain change');
  const ruins = (await hexColours(page, ['151,40']))['151,40'];
  assert(near(ruins, colour('ruins')), `151,40 should be drawn as ruins now, got ${ruins}`);
  // Those two changes were painted into the cached tiles in place; the whole screen painted
  // afresh (new options drop the cache) must look the same, seams included. Edge pixels may
  // differ by a few levels (a path split across tiles is anti-aliased by a different route);
  // the fault this guards against (a soft clip blending twice) left 50–60 levels.
  const differing = await page.evaluate(async () => {
    const h = window.__hexcrawl.map();
    const r = h.renderer();
    const ctx = r.canvas.getContext('2d');
    const frames = (n) => new Promise((res) => (function next() { if (n-- <= 0) res(); else requestAnimationFrame(next); })());
    const { width, height } = r.canvas;
    const patched = ctx.getImageData(0, 0, width, height).data;
    r.setOptions({ gridMinScale: 5.000001 });
    h.redraw();
    await frames(3);
    const fresh = ctx.getImageData(0, 0, width, height).data;
    r.setOptions({ gridMinScale: 5 });
    h.redraw();
    await frames(3);
    let n = 0;
    for (let i = 0; i < patched.length; i += 4) {
      const d = Math.max(Math.abs(patched[i] - fresh[i]), Math.abs(patched[i + 1] - fresh[i + 1]), Math.abs(patched[i + 2] - fresh[i + 2]));
      if (d > 24) n++;
    }
    return n;
  });
  eq(differing, 0, 'pixels that differ between the cached map with changes painted in and the map painted afresh');

  // One finger drags the map by (−70, +50): the view follows the finger, and the frames of the
  // drag copy tiles already rendered instead of painting the map again.
  const before = await cache(page);
  await touchDrag(cdp, 200, 300, -70, 50);
  await page.waitForTimeout(300);
  const v1 = await view(page);
  // use-gesture's first few pixels tell a drag from a tap, hence the slack.
  assert(Math.abs(v1.x - v0.x + 70) < 6 && Math.abs(v1.y - v0.y - 50) < 6, `drag (−70, 50) moved the view by (${v1.x - v0.x}, ${v1.y - v0.y})`);
  eq(v1.scale, v0.scale, 'a drag does not zoom');
  const after = await cache(page);
  const screenTiles = Math.ceil(720 / 256) * Math.ceil(1280 / 256);
  assert(after.tilesRendered - before.tilesRendered < screenTiles, `a pan of 8 moves rendered ${after.tilesRendered - before.tilesRendered} tiles (a screen is ${screenTiles})`);
  // The pixels moved with the view: every known hex still shows its terrain where the view puts it.
  const s = await summary(page);
  const px = await hexColours(page, s.visible);
  const wrong = s.visible.filter((k) => px[k] !== null && !near(px[k], colour(ctx.terrain.get(k) ?? '')));
  eq(wrong, [], 'known hexes drawn elsewhere than the view puts them after the pan');

  // A tap on the Watchtower's hex finds it.
  const c = await page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('150,40'));
  await page.touchscreen.tap(c.x, c.y + 8);
  await page.waitForSelector('[data-testid=hex-info]');
  const t = await page.textContent('[data-testid=hex-info]');
  assert(/Watchtower/.test(t), `tapped the Watchtower, the card says: ${t}`);
  await shot(page, 'view-phone-tapped');
  await page.click('.hexinfo-close');
});

test('a pinch scales the map, then it is rendered sharp at the new scale; a tap still finds its hex', async () => {
  const { page, cdp } = ctx.phone;
  const c = await page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('150,40'));
  const v0 = await view(page);
  const before = await cache(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  // Fingers 60 px apart either side of the Watchtower spread to 120 px: about 2× closer.
  await touch('touchStart', [[c.x - 30, c.y], [c.x + 30, c.y]]);
  for (let k = 1; k <= 10; k++) await touch('touchMove', [[c.x - 30 - 3 * k, c.y], [c.x + 30 + 3 * k, c.y]]);
  await touch('touchEnd', []);
  const v1 = await view(page);
  const ratio = v1.scale / v0.scale;
  assert(ratio > 1.6 && ratio < 2.4, `pinch 60 → 120 px zoomed by ${ratio.toFixed(2)}`);
  await page.waitForTimeout(600); // the gesture settles, the new scale is rendered
  const after = await cache(page);
  assert(after.tilesRendered > before.tilesRendered, 'the map was rendered again at the scale the pinch reached');
  const s = await summary(page);
  const px = await hexColours(page, s.visible);
  const shown = s.visible.filter((k) => px[k] !== null);
  assert(shown.length >= 5, `${shown.length} known hexes on screen after the pinch`);
  const wrong = shown.filter((k) => !near(px[k], colour(ctx.terrain.get(k) ?? '')));
  eq(wrong, [], 'known hexes not in their colour after the pinch');
  const w = await page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('151,40'));
  await page.touchscreen.tap(w.x, w.y);
  await page.waitForSelector('[data-testid=hex-info]');
  const t = await page.textContent('[data-testid=hex-info]');
  assert(/Ruins/.test(t), `tapped 151,40 (ruins), the card says: ${t}`);
  await shot(page, 'view-phone-pinched');
  await page.click('.hexinfo-close');
});

test('the view glides after the party token when it leaves the screen, and only then', async () => {
  const { page } = ctx.phone;
  await page.click('[aria-label="Show everything we know"]');
  await page.waitForTimeout(300);
  const v0 = await view(page);
  // The party walks off the screen, into hexes the players see.
  const far = ['185,60', '185,61', '186,61'];
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: far, targets: 'all' }, 'hex:revealed');
  await page.waitForTimeout(300);
  eq(await view(page), v0, 'a reveal off screen does not move the view');
  const off = await page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('185,60'));
  assert(off.x > 360 || off.y > 640 || off.x < 0 || off.y < 0, `185,60 should be off screen, at ${JSON.stringify(off)}`);
  // Every frame's view, recorded in the page (polling from here misses a glide when the machine
  // is busy and each round trip takes longer than the glide's frames).
  await page.evaluate(() => {
    const r = window.__hexcrawl.map().renderer();
    const rec = { views: [], stop: false };
    window.__glide = rec;
    const tick = () => {
      const v = r.getView();
      rec.views.push({ x: v.x, y: v.y, scale: v.scale });
      if (!rec.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await ctx.dm.placeParty('185,60');
  await sleep(900);
  const samples = await page.evaluate(() => {
    window.__glide.stop = true;
    return window.__glide.views;
  });
  const end = await view(page);
  const p = await page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('185,60'));
  const mid = { x: INSETS.left + (360 - INSETS.left - INSETS.right) / 2, y: INSETS.top + (640 - INSETS.top - INSETS.bottom) / 2 };
  assert(Math.abs(p.x - mid.x) < 2 && Math.abs(p.y - mid.y) < 2, `the token ends at ${JSON.stringify(p)}, want the middle ${JSON.stringify(mid)}`);
  eq(end.scale, v0.scale, 'following keeps the scale');
  // Smoothly: views part of the way there, not a jump.
  const between = samples.filter((v) => (v.x - v0.x) * (v.x - end.x) < 0);
  assert(between.length >= 3, `${between.length} views between start and end while gliding`);
  const px = (await hexColours(page, ['185,60']))['185,60'];
  assert(px && !near(px, FOG_RGB), `185,60 drawn after the glide, got ${px}`);
  await shot(page, 'view-phone-followed');

  // A step within the screen, and a placement into the fog: no move.
  await ctx.dm.placeParty('185,61');
  await waitUntil(page, (s) => s.token === '185,61', 'the token at 185,61');
  await page.waitForTimeout(600);
  eq(await view(page), end, 'the view after a move within the screen');
  // A player always sees their own party's token, even placed in the fog; the view does not
  // follow it there (nothing to show but fog).
  await ctx.dm.placeParty('10,10');
  await waitUntil(page, (s) => s.token === '10,10', 'the token at 10,10, in the fog');
  await page.waitForTimeout(600);
  eq(await view(page), end, 'the view after the party left sight');
});

test('a reconnect opens the map fitted again', async () => {
  const { page, cdp } = ctx.phone;
  await touchDrag(cdp, 200, 300, 150, -120);
  const moved = await view(page);
  const states = await page.evaluate(() => window.__hexcrawl.store.getState().fullStates);
  // The connection drops (the Wi-Fi hiccups): the page reconnects and gets a fresh state.
  ctx.relay.freeze();
  ctx.relay.thaw();
  await page.waitForFunction((n) => {
    const s = window.__hexcrawl.store.getState();
    return s.fullStates > n && s.connection.kind === 'open';
  }, states, { timeout: 30000 });
  await page.waitForTimeout(300);
  const v = await view(page);
  assert(v.x !== moved.x || v.y !== moved.y, 'the view moved from where the finger left it');
  // What the player knows now spans too much for 44 px hexes: tappable, on a known hex.
  assert(Math.abs(v.scale * Math.sqrt(3) - MIN_TAP_PX) < 1e-6, `scale after the reconnect: ${v.scale}`);
  const middle = await page.evaluate(
    ({ x, y }) => {
      const r = window.__hexcrawl.map().renderer();
      return r.hexAt(x, y);
    },
    { x: INSETS.left + FIT_MARGIN + (360 - INSETS.left - INSETS.right - 2 * FIT_MARGIN) / 2, y: INSETS.top + FIT_MARGIN + (640 - INSETS.top - INSETS.bottom - 2 * FIT_MARGIN) / 2 },
  );
  const s = await summary(page);
  assert(s.visible.includes(middle), `the middle of the screen is on ${middle}, which the player does not know`);
  await shot(page, 'view-phone-reconnected');
});

test('a large known area opens at a tappable scale, centred on the party (CPU 4× slower)', async () => {
  const { page, cdp } = ctx.phone;
  const block = [];
  for (let q = 20; q < 120; q++) for (let r = 100; r < 200; r++) block.push(`${q},${r}`);
  for (const k of block) if (!ctx.terrain.has(k)) ctx.terrain.set(k, '');
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: block, targets: 'all' }, 'hex:revealed');
  await ctx.dm.placeParty('60,150');
  await waitUntil(page, (s) => s.token === '60,150', 'the token at 60,150', 15000);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.reload();
  await waitForState(page, 20000);
  await firstMap(page);
  await page.waitForTimeout(500);
  const v = await view(page);
  assert(Math.abs(v.scale * Math.sqrt(3) - MIN_TAP_PX) < 1e-6, `hexes ${(v.scale * Math.sqrt(3)).toFixed(1)} px across, want ${MIN_TAP_PX}`);
  const p = await page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('60,150'));
  const mid = { x: INSETS.left + (360 - INSETS.left - INSETS.right) / 2, y: INSETS.top + (640 - INSETS.top - INSETS.bottom) / 2 };
  assert(Math.abs(p.x - mid.x) < 1 && Math.abs(p.y - mid.y) < 1, `the party at ${JSON.stringify(p)}, want ${JSON.stringify(mid)}`);
  const onToken = await page.evaluate(({ x, y }) => {
    const r = window.__hexcrawl.map().renderer();
    const dpr = r.canvas.width / r.size().w;
    // Right of the banner on the token's face (render/marks.ts drawToken).
    const d = r.canvas.getContext('2d').getImageData(Math.round((x + 6) * dpr), Math.round((y + 3) * dpr), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, p);
  assert(near(onToken, TOKEN_RGB, 30), `the token drawn at the middle, got ${onToken}`);
  await shot(page, 'view-phone-large-area');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await page.touchscreen.tap(p.x, p.y + 12);
  await page.waitForSelector('[data-testid=hex-info]');
  const t = await page.textContent('[data-testid=hex-info]');
  assert(/the party is here/.test(t), `tapped the party's hex, the card says: ${t}`);
  await ctx.phone.c.close();
});
