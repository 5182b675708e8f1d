// End-to-end tests of the player view: the real `hexcrawl serve` (HEXCRAWL_BIN, default
// ../hexcrawl), Debian's Chromium under @playwright/test, the DM acting over the WebSocket
// protocol from node. Usage: npm run e2e (build first: npm run build && cd .. && go build -o
// hexcrawl .). Screenshots go to e2e-artifacts/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { serialSuite } from './lib/suite.mjs';
import { Relay } from './lib/relay.mjs';
import { hexColour, hexRgb, joinViaLink, near, settledColour, shot, summary, waitForState, waitUntil } from './lib/player.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

// The palette, read from the source so the pixel checks follow it.
const terrainSrc = readFileSync(join(here, '../src/hex/terrain.ts'), 'utf8');
const colour = (name) => {
  const m = new RegExp(`\\b${name}: '(#[0-9a-f]{6})'`).exec(terrainSrc);
  if (!m) throw new Error(`no colour for ${name}`);
  return hexRgb(m[1]);
};
const FOG_RGB = hexRgb(/FOG_COLOR = '(#[0-9a-f]{6})'/.exec(terrainSrc)[1]);

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);

const ctx = {}; // shared across tests, which run in order and build on each other
let hub;
let browser;
let port;
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-',
  failedPrefix: 'FAILED-player-',
  pages: () => [['ana', ctx.ana?.page], ['bo', ctx.bo?.page], ['phone', ctx.phone?.page]],
  ready: (env) => ({ hub, browser, port } = env),
  teardown: () => ctx.dm?.close(),
});

// Every URL a player's browser asked for (pages, assets, API, sockets): all must be the hub's
// (or a relay's in front of it, see relayHosts).
const requested = [];
const relayHosts = [];

async function newPlayerContext(opts = {}) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  c.on('request', (r) => requested.push(r.url()));
  const page = await c.newPage();
  page.on('websocket', (ws) => requested.push(ws.url()));
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`  [console ${m.type()}] ${m.text()}`);
  });
  return { c, page };
}

// ------------------------------------------------------------------ tests

test('a hub with no campaign says so', async () => {
  await hub.start();
  // A fresh data file gets a demo campaign; deleting it leaves the hub without any.
  for (const c of await hub.api('GET', '/api/campaigns')) await hub.api('DELETE', `/api/campaigns/${c.id}`);
  eq((await hub.api('GET', '/api/hub', undefined, { auth: false })).campaigns, 0, 'campaigns after deleting the demo');
  const { c, page } = await newPlayerContext();
  ctx.closers = [() => c.close()];
  await page.goto(hub.url + '/');
  await page.waitForSelector('[data-testid=no-campaign]');
  await shot(page, 'no-campaign');
  await c.close();
});

test('a hub that does not answer gets a clear message, and "Try again" works', async () => {
  const { c, page } = await newPlayerContext();
  // The page itself loaded, but its questions to the hub fail (Wi-Fi dropped right then).
  await page.route('**/api/**', (r) => r.abort('connectionrefused'));
  await page.goto(hub.url + '/');
  await page.waitForSelector('[data-testid=unreachable]');
  await shot(page, 'unreachable');
  await page.unroute('**/api/**');
  await page.click('[data-testid=unreachable] button');
  await page.waitForSelector('[data-testid=no-campaign]');
  await c.close();
});

test('set up a campaign, a map and an invite over the HTTP API', async () => {
  const camp = await hub.api('POST', '/api/campaigns', { name: 'The Fenlands' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Fenlands', width: 14, height: 10, orientation: 'flat' });
  const terrains = ['plains', 'forest', 'hills', 'water', 'swamp', 'mountains', 'coast'];
  const changes = [];
  for (let r = 0; r < 10; r++) for (let q = 0; q < 14; q++) changes.push({ key: `${q},${r}`, terrain: terrains[(q * 3 + r * 5) % terrains.length] });
  changes.push({ key: '4,4', terrain: 'settlement', label: 'Millbrook', notes: 'the miller is a werewolf' });
  changes.push({ key: '9,6', terrain: 'ruins', label: 'Old Tower' });
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const inv = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  assert(typeof inv.code === 'string' && inv.code.length > 0, 'invite code');
  Object.assign(ctx, { camp, map, code: inv.code });
  ctx.dm = await hub.dm(camp.id);
});

test('a bad code gets a clear message', async () => {
  const { c, page } = await newPlayerContext();
  await page.goto(hub.url + '/join/NOPE-NOPE');
  await page.fill('[data-testid=join-name]', 'Mallory');
  await page.click('[data-testid=join-submit]');
  const err = await page.textContent('[data-testid=join-error]');
  assert(/No invite matches/.test(err), `error text: ${err}`);
  await shot(page, 'join-bad-code');
  await c.close();
});

test('an expired code gets a clear message', async () => {
  let inv;
  try {
    inv = await hub.api('POST', `/api/campaigns/${ctx.camp.id}/invites`, { expiresInHours: 0.0003 }); // ~1 s
  } catch (e) {
    throw new Error(`cannot create a short-lived invite to test 410: ${e.message}`, { cause: e });
  }
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(inv.expiresAt) - Date.now()) + 300));
  const { c, page } = await newPlayerContext();
  await page.goto(`${hub.url}/join/${inv.code}`);
  await page.fill('[data-testid=join-name]', 'Late');
  await page.click('[data-testid=join-submit]');
  const err = await page.textContent('[data-testid=join-error]');
  assert(/expired/.test(err), `error text: ${err}`);
  await shot(page, 'join-expired');
  await c.close();
});

test('two players join through a join link and wait for the DM', async () => {
  ctx.ana = await newPlayerContext();
  ctx.bo = await newPlayerContext();
  await joinViaLink(ctx.ana.page, hub.url, ctx.code, 'Ana');
  await joinViaLink(ctx.bo.page, hub.url, ctx.code, 'Bo');
  for (const p of [ctx.ana.page, ctx.bo.page]) {
    await p.waitForSelector('[data-overlay=waiting]');
    eq(new URL(p.url()).pathname, '/', 'join link replaced by /');
  }
  const a = await waitUntil(ctx.ana.page, (s) => s.players.filter((p) => p.online).length === 2, 'both online for Ana');
  ctx.anaId = a.you.id;
  ctx.boId = (await summary(ctx.bo.page)).you.id;
  eq(a.visible, [], 'nothing visible before any reveal');
  await ctx.ana.page.click('[data-testid=players-button]');
  const names = await ctx.ana.page.$$eval('[data-testid=player]', (els) =>
    els.map((e) => `${e.querySelector('.pname')?.textContent}|${e.dataset.online}`),
  );
  eq(names.sort(), ['Ana (you)|true', 'Bo|true'], 'players list');
  await shot(ctx.ana.page, 'waiting-for-dm');
  await ctx.ana.page.click('[data-testid=players-button]');
});

test('a reload keeps the same player', async () => {
  await ctx.ana.page.reload();
  await waitForState(ctx.ana.page);
  const s = await summary(ctx.ana.page);
  eq({ id: s.you.id, name: s.you.name }, { id: ctx.anaId, name: 'Ana' }, 'same player after reload');
  assert((await ctx.ana.page.$('[data-testid=join-name]')) === null, 'no join form after reload');
});

test('a wrong remembered seat is corrected by the cookie', async () => {
  // The page opens the seat it remembers before /api/me answers; a stale memory (another
  // campaign) must still end at the cookie's table, not at an error.
  const p = ctx.ana.page;
  await p.evaluate(() =>
    localStorage.setItem('hexcrawl.seat', JSON.stringify({ playerId: 'someone-else', campaignId: crypto.randomUUID(), name: 'Ana' })),
  );
  await p.reload();
  await waitForState(p);
  const s = await summary(p);
  eq({ id: s.you.id, name: s.you.name }, { id: ctx.anaId, name: 'Ana' }, 'the cookie’s player');
  eq(s.map?.id, ctx.map.id, 'the cookie’s campaign map');
  const seat = await p.evaluate(() => JSON.parse(localStorage.getItem('hexcrawl.seat')));
  eq(seat.playerId, ctx.anaId, 'remembered seat corrected');
});

test('a join link for the campaign you sit in goes to your seat, and makes no new player', async () => {
  const p = ctx.ana.page;
  const members = async () => (await hub.api('GET', `/api/campaigns/${ctx.camp.id}/members`)).map((m) => m.id).sort();
  const before = await members();
  eq(before, [ctx.anaId, ctx.boId].sort(), 'members before');
  // Re-scanning the table's QR code, and the same code as someone might type it into the link.
  for (const code of [ctx.code, ctx.code.toLowerCase().replace(/^(.{5})/, '$1-')]) {
    await p.goto(`${hub.url}/join/${code}`);
    await waitForState(p);
    const s = await summary(p);
    eq({ id: s.you.id, name: s.you.name }, { id: ctx.anaId, name: 'Ana' }, `same player after opening /join/${code}`);
    eq(new URL(p.url()).pathname, '/', 'the join link is replaced by /');
    assert((await p.$('[data-testid=join-name]')) === null, 'no join form for your own campaign');
  }
  eq(await members(), before, 'members after');
});

test('the session starts and a reveal to all reaches both players', async () => {
  await ctx.dm.send({ type: 'session:start' }, 'session:statusChanged');
  for (const p of [ctx.ana.page, ctx.bo.page]) await waitUntil(p, (s) => s.status === 'active', 'active');
  const keys = [];
  for (let r = 2; r <= 6; r++) for (let q = 2; q <= 7; q++) keys.push(`${q},${r}`);
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: keys, targets: 'all' }, 'hex:revealed');
  await ctx.dm.placeParty('4,4');
  for (const p of [ctx.ana.page, ctx.bo.page]) {
    const s = await waitUntil(p, (s) => s.visible.length === keys.length && s.token === '4,4', 'revealed + token');
    eq(s.labels, { '4,4': 'Millbrook' }, 'labels of visible hexes only');
    assert((await p.$('[data-testid=overlay]')) === null, 'no overlay while active');
  }
  const drawn = await settledColour(ctx.ana.page, '3,3', (c) => c !== null && !near(c, FOG_RGB)); // after the reveal fade
  assert(!near(drawn, FOG_RGB), `3,3 should be drawn as terrain, got ${drawn}`);
  const fogged = await hexColour(ctx.ana.page, '10,8');
  assert(near(fogged, FOG_RGB), `10,8 should be fog, got ${fogged}`);
  await shot(ctx.ana.page, 'revealed-all');
});

test('a private reveal reaches one player and not the other', async () => {
  const boBefore = await summary(ctx.bo.page);
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: ['9,6', '10,6'], targets: { playerIds: [ctx.anaId] } }, 'hex:revealed');
  const a = await waitUntil(ctx.ana.page, (s) => s.visible.includes('9,6') && s.visible.includes('10,6'), 'Ana sees 9,6');
  eq(a.labels['9,6'], 'Old Tower', 'Ana sees the label');
  const ruins = await settledColour(ctx.ana.page, '9,6', (c) => near(c, colour('ruins')));
  assert(near(ruins, colour('ruins')), `Ana's 9,6 should be ruins-coloured, got ${ruins}`);
  // Bo: give any stray frame time to arrive, then check store and pixels.
  await ctx.bo.page.waitForTimeout(500);
  const b = await summary(ctx.bo.page);
  assert(!b.visible.includes('9,6') && !b.labels['9,6'], 'Bo must not see 9,6');
  eq(b.visible.length, boBefore.visible.length, 'Bo visible count unchanged');
  const boPixel = await hexColour(ctx.bo.page, '9,6');
  assert(near(boPixel, FOG_RGB), `Bo's 9,6 should be fog, got ${boPixel}`);
  await shot(ctx.ana.page, 'private-reveal-ana');
  await shot(ctx.bo.page, 'private-reveal-bo');
});

test('hover shows a label; terrain changes update in place', async () => {
  const p = ctx.ana.page;
  const pos = await p.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('9,6'));
  await p.mouse.move(pos.x, pos.y);
  await p.waitForSelector('[data-testid=hex-info]');
  const t = await p.textContent('[data-testid=hex-info]');
  assert(/Old Tower/.test(t) && /Ruins/.test(t), `tooltip: ${t}`);
  await shot(p, 'hover-label');
  await p.mouse.move(5, 400);
  await ctx.dm.send({ type: 'hex:update', changes: [{ key: '3,3', terrain: 'water' }] }, 'hex:updated');
  const water = await settledColour(p, '3,3', (c) => near(c, colour('water')));
  assert(near(water, colour('water')), `3,3 should be water now, got ${water}`);
});

test('pan by drag, zoom by wheel around the pointer, fit again; only what is on screen is drawn', async () => {
  const p = ctx.ana.page;
  const view = () => p.evaluate(() => window.__hexcrawl.map().renderer().getView());
  const v0 = await view();
  await p.mouse.move(640, 420);
  await p.mouse.down();
  await p.mouse.move(700, 460, { steps: 4 });
  await p.mouse.move(760, 500, { steps: 4 });
  await p.mouse.up();
  const v1 = await view();
  // The first few pixels tell a drag from a tap (use-gesture's threshold), hence the slack.
  assert(Math.abs(v1.x - v0.x - 120) < 5 && Math.abs(v1.y - v0.y - 80) < 5, `drag by (120, 80) moved the view by (${v1.x - v0.x}, ${v1.y - v0.y})`);
  eq(v1.scale, v0.scale, 'a drag does not zoom');
  // Wheel up zooms in, keeping the hex under the pointer where it is.
  const at = await p.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('4,4'));
  await p.mouse.move(at.x, at.y);
  for (let i = 0; i < 4; i++) await p.mouse.wheel(0, -200);
  await p.waitForFunction((s) => window.__hexcrawl.map().renderer().getView().scale > s * 2, v1.scale);
  const under = await p.evaluate(({ x, y }) => window.__hexcrawl.map().renderer().hexAt(x, y), at);
  eq(under, '4,4', 'hex under the pointer after zooming');
  await p.waitForTimeout(100);
  const drawn = await p.evaluate(() => window.__hexcrawl.map().renderer().drawnHexes);
  const total = ctx.map.width * ctx.map.height;
  assert(drawn > 0 && drawn < total, `zoomed in, the renderer drew ${drawn} of ${total} hexes`);
  await shot(p, 'zoomed-in');
  // "Show everything we know": every visible hex back on screen.
  await p.click('[aria-label="Show everything we know"]');
  const off = await p.evaluate((keys) => {
    const r = window.__hexcrawl.map().renderer();
    const { w, h } = r.size();
    return keys.filter((k) => {
      const c = r.hexCenter(k);
      return !c || c.x < 0 || c.y < 0 || c.x > w || c.y > h;
    });
  }, (await summary(p)).visible);
  eq(off, [], 'visible hexes off screen after fitting');
});

test('staged changes show "The DM is preparing…" until published', async () => {
  await ctx.dm.send({ type: 'broadcast:mode', mode: 'staged' }, 'broadcast:modeChanged');
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: ['8,2', '8,3'], targets: 'all' }, 'staged:changed');
  for (const p of [ctx.ana.page, ctx.bo.page]) {
    await p.waitForSelector('[data-testid=preparing]');
    const s = await summary(p);
    assert(!s.visible.includes('8,2'), 'staged reveal must not reach players');
  }
  await shot(ctx.bo.page, 'dm-preparing');
  await ctx.dm.send({ type: 'broadcast:publish' });
  for (const p of [ctx.ana.page, ctx.bo.page]) {
    await waitUntil(p, (s) => s.visible.includes('8,2') && !s.preparing, 'published');
    await p.waitForSelector('[data-testid=preparing]', { state: 'detached' });
  }
  await ctx.dm.send({ type: 'broadcast:mode', mode: 'immediate' }, 'broadcast:modeChanged');
});

test('paused and resumed', async () => {
  await ctx.dm.send({ type: 'session:pause' }, 'session:statusChanged');
  for (const p of [ctx.ana.page, ctx.bo.page]) await p.waitForSelector('[data-overlay=paused]');
  await shot(ctx.ana.page, 'paused');
  await ctx.dm.send({ type: 'session:resume' }, 'session:statusChanged');
  for (const p of [ctx.ana.page, ctx.bo.page]) await p.waitForSelector('[data-testid=overlay]', { state: 'detached' });
});

test('the banner shows while the hub is down; when it is back, the full state replaces what players had', async () => {
  try {
    await outageAndReturn();
  } finally {
    await ctx.ana.c.setOffline(false); // later tests need her online
  }
});

async function outageAndReturn() {
  const { ana, bo } = ctx;
  const before = await summary(ana.page);
  const boBefore = await summary(bo.page);
  // Ana's network drops first (a phone in a tunnel): every reconnect fails until it is back.
  await ana.c.setOffline(true);
  ctx.dm.close();
  await hub.stop();
  for (const p of [ana.page, bo.page]) await p.waitForSelector('[data-testid=connection-banner]', { timeout: 10000 });
  const text = await ana.page.textContent('[data-testid=connection-banner]');
  assert(text.includes('Connection lost. Reconnecting…'), `banner text: ${text}`);
  await ana.page.waitForTimeout(400); // let its slide-in finish for the screenshot
  await shot(ana.page, 'banner');

  await hub.start();
  ctx.dm = await hub.dm(ctx.camp.id);
  // While Ana is cut off, the DM hides a hex and moves the party: she gets no deltas for these.
  await ctx.dm.send({ type: 'hex:hide', hexKeys: ['3,3'], targets: 'all' }, 'hex:hidden');
  await ctx.dm.placeParty('5,4');
  const hide33 = (s) => s.visible.filter((k) => k !== '3,3').sort();

  // Bo waits out his backoff.
  await bo.page.waitForSelector('[data-testid=connection-banner]', { state: 'detached', timeout: 40000 });
  const b = await waitUntil(bo.page, (s) => s.connection === 'open' && s.token === '5,4', 'Bo back');
  eq(b.you.id, ctx.boId, 'Bo is the same player');
  eq(b.visible.sort(), hide33(boBefore), "Bo's visible hexes");

  // Ana: wait until her next try is at least 6 s away (attempt 4: 8 s ± 25 %), then bring her
  // network back. The browser's `online` event must skip that wait.
  await ana.page.waitForFunction(() => {
    const c = window.__hexcrawl.store.getState().connection;
    return c.kind === 'reconnecting' && c.attempt >= 4;
  }, null, { timeout: 20000, polling: 50 });
  await ana.c.setOffline(false);
  await ana.page.waitForSelector('[data-testid=connection-banner]', { state: 'detached', timeout: 3000 });
  const after = await waitUntil(ana.page, (s) => s.connection === 'open', 'Ana reconnected');
  eq(after.you.id, ctx.anaId, 'Ana is the same player');
  eq(after.visible.sort(), hide33(before), "Ana's visible hexes: the hub's, not her stale ones");
  eq(after.token, '5,4', "Ana's party token");
  const hidden = await settledColour(ana.page, '3,3', (c) => near(c, FOG_RGB));
  assert(near(hidden, FOG_RGB), `3,3 should be drawn as fog again, got ${hidden}`);
  // The hub pauses sessions that were live when it stopped uncleanly (main.go:
  // PauseInterruptedSessions); players see that, and the DM resumes.
  if (after.status === 'paused') {
    await ana.page.waitForSelector('[data-overlay=paused]');
    await ctx.dm.send({ type: 'session:resume' }, 'session:statusChanged');
    for (const p of [ana.page, bo.page]) await p.waitForSelector('[data-testid=overlay]', { state: 'detached' });
  } else eq(after.status, 'active', 'status after restart');
  await shot(ana.page, 'reconnected');
}

test('a half-open socket after a phone sleeps: the wake-up notices, the banner shows, the page catches up', async () => {
  const relay = await new Relay(port).start();
  relayHosts.push(new URL(relay.url).host);
  const eli = await newPlayerContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  try {
    await halfOpen(relay, eli);
  } finally {
    await eli.c.close();
    await relay.close();
  }
});

async function halfOpen(relay, { page }) {
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  // Eli's phone reaches the hub through the relay: page, API and WebSocket.
  await joinViaLink(page, relay.url, ctx.code, 'Eli');
  const before = await waitUntil(page, (s) => s.connection === 'open' && s.status === 'active' && s.visible.length > 0, 'Eli at the table');
  assert(!before.visible.includes('12,8') && before.token !== '6,4', 'the DM’s next moves are new to Eli');
  eq(await page.evaluate(() => document.visibilityState), 'visible', 'the page is visible (the wake-up below counts)');

  // The phone sleeps; its connection dies without a word to either end.
  relay.freeze();
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: ['12,8'], targets: 'all' }, 'hex:revealed');
  await ctx.dm.placeParty('6,4');
  await waitUntil(ctx.ana.page, (s) => s.visible.includes('12,8') && s.token === '6,4', 'Ana sees the DM’s moves');
  const stale = await summary(page);
  assert(!stale.visible.includes('12,8') && stale.token !== '6,4', 'Eli got nothing through the frozen link');

  // It wakes up: the page becomes visible and the network is back (a phone fires both).
  await page.evaluate(() => {
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('online'));
  });
  // Its ping gets no answer, so the socket is given up and a new one is on its way (held by the
  // still frozen relay): the player is told.
  await page.waitForSelector('[data-testid=connection-banner]', { timeout: 20000 });
  const text = await page.textContent('[data-testid=connection-banner]');
  assert(text.includes('Connection lost. Reconnecting…'), `banner text: ${text}`);
  await page.waitForTimeout(400); // the banner's slide-in, for the screenshot
  await shot(page, 'half-open-banner');

  relay.thaw();
  await page.waitForSelector('[data-testid=connection-banner]', { state: 'detached', timeout: 30000 });
  const after = await waitUntil(page, (s) => s.connection === 'open' && s.visible.includes('12,8') && s.token === '6,4', 'Eli caught up', 30000);
  eq(after.you, before.you, 'the same player');
  assert(sockets.length >= 2 && sockets.every((u) => u.startsWith(relay.url.replace('http', 'ws'))), `sockets: ${sockets}`);
  await page.click('[aria-label="Show everything we know"]'); // 12,8 is off the phone's screen
  const revealed = await settledColour(page, '12,8', (c) => c !== null && !near(c, FOG_RGB)); // after the reveal fade
  assert(revealed && !near(revealed, FOG_RGB), `12,8 should be drawn as terrain now, got ${revealed}`);
  await shot(page, 'half-open-recovered');
}

test('a phone in portrait: join, map, tap a hex', async () => {
  const ph = await newPlayerContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  ctx.phone = ph;
  await joinViaLink(ph.page, hub.url, ctx.code, 'Cy');
  await waitUntil(ph.page, (s) => s.visible.length > 0, 'phone sees the map');
  await ph.page.waitForTimeout(700);
  // crisp: the canvas backing store is 3× the CSS size
  const dims = await ph.page.evaluate(() => {
    const r = window.__hexcrawl.map().renderer();
    return { w: r.canvas.width, h: r.canvas.height, css: r.size() };
  });
  eq([dims.w, dims.h], [dims.css.w * 3, dims.css.h * 3], 'backing store at devicePixelRatio 3');
  const pos = await ph.page.evaluate(() => window.__hexcrawl.map().renderer().hexCenter('4,4'));
  await ph.page.touchscreen.tap(pos.x, pos.y);
  await ph.page.waitForSelector('[data-testid=hex-info]');
  const t = await ph.page.textContent('[data-testid=hex-info]');
  assert(/Millbrook/.test(t), `tap info: ${t}`);
  await ph.page.waitForTimeout(300);
  await shot(ph.page, 'phone-map');
  const box = await ph.page.$eval('[data-testid=players-button]', (e) => e.getBoundingClientRect().right);
  assert(box <= 390, 'top bar fits the phone');
});

test('a phone: one finger pans, two fingers pinch-zoom', async () => {
  const p = ctx.phone.page;
  const cdp = await ctx.phone.c.newCDPSession(p);
  const touch = (type, points) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const view = () => p.evaluate(() => window.__hexcrawl.map().renderer().getView());
  await p.click('.hexinfo-close');
  const v0 = await view();
  await touch('touchStart', [[200, 500]]);
  for (let k = 1; k <= 8; k++) await touch('touchMove', [[200 - 5 * k, 500 + 5 * k]]);
  await touch('touchEnd', []);
  const v1 = await view();
  assert(Math.abs(v1.x - v0.x + 40) < 5 && Math.abs(v1.y - v0.y - 40) < 5, `one finger by (-40, 40) moved the view by (${v1.x - v0.x}, ${v1.y - v0.y})`);
  // Fingers 80 px apart spread to 240 px: about 3× closer.
  await touch('touchStart', [[155, 500], [235, 500]]);
  for (let k = 1; k <= 10; k++) await touch('touchMove', [[155 - 8 * k, 500], [235 + 8 * k, 500]]);
  await touch('touchEnd', []);
  const v2 = await view();
  const ratio = v2.scale / v1.scale;
  assert(ratio > 2.5 && ratio < 3.5, `pinch 80 → 240 px zoomed by ${ratio.toFixed(2)}`);
  await shot(p, 'phone-pinched');
  await p.click('[aria-label="Show everything we know"]');
});

test('session ended', async () => {
  await ctx.dm.send({ type: 'session:end' }, 'session:statusChanged');
  for (const p of [ctx.ana.page, ctx.bo.page, ctx.phone.page]) await p.waitForSelector('[data-overlay=ended]');
  await shot(ctx.ana.page, 'ended');
  await shot(ctx.phone.page, 'phone-ended');
});

test('a new session after the end: overlay goes away', async () => {
  await ctx.dm.send({ type: 'session:start' }, 'session:statusChanged');
  for (const p of [ctx.ana.page, ctx.bo.page]) await p.waitForSelector('[data-testid=overlay]', { state: 'detached' });
});

test('a revoked player is told so, and a reload asks them to join again', async () => {
  // Removing makes a new join code (Bo saw the old one); the table goes on with it.
  const removed = await hub.api('DELETE', `/api/campaigns/${ctx.camp.id}/members/${ctx.boId}`);
  assert(removed.invite && removed.invite.code !== ctx.code, `a new code after the removal: ${JSON.stringify(removed)}`);
  ctx.code = removed.invite.code;
  await ctx.bo.page.waitForSelector('[data-testid=removed]');
  await shot(ctx.bo.page, 'removed');
  await waitUntil(ctx.ana.page, (s) => s.players.every((p) => p.id !== ctx.boId || !p.online), 'Bo shown as gone');
  await ctx.bo.page.reload();
  await ctx.bo.page.waitForSelector('[data-testid=join-notice]');
  await shot(ctx.bo.page, 'revoked-reload');
});

test('a join link for another campaign: its join screen, a way back, and joining there moves the seat', async () => {
  const other = await hub.api('POST', '/api/campaigns', { name: 'The Salt Marches' });
  const otherMap = await hub.api('POST', `/api/campaigns/${other.id}/maps`, { name: 'Marches', width: 6, height: 4, orientation: 'pointy' });
  const otherInv = await hub.api('POST', `/api/campaigns/${other.id}/invites`, {});
  const members = async (id) => (await hub.api('GET', `/api/campaigns/${id}/members`)).map((m) => m.id);
  const dee = await newPlayerContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const p = dee.page;
  try {
    await joinViaLink(p, hub.url, ctx.code, 'Dee');
    const deeId = (await summary(p)).you.id;

    // The other campaign's link: its join screen, naming it, with Dee's name ready.
    await p.goto(`${hub.url}/join/${otherInv.code}`);
    await p.waitForSelector('[data-testid=join-campaign]');
    assert(/This code joins The Salt Marches/.test(await p.textContent('[data-testid=join-campaign]')), 'the campaign the code joins');
    const seatLine = await p.textContent('[data-testid=join-seat]');
    assert(seatLine.includes('The Fenlands') && seatLine.includes('Dee') && /replaces/.test(seatLine), `seat line: ${seatLine}`);
    eq(await p.inputValue('[data-testid=join-name]'), 'Dee', 'name prefilled from the seat');
    eq(await p.inputValue('[data-testid=join-code]'), otherInv.code, 'code prefilled');
    await shot(p, 'join-other-campaign');
    eq(await members(other.id), [], 'nobody joined the other campaign by opening its link');

    // "Back to The Fenlands": the seat is still there.
    await p.click('[data-testid=join-back]');
    await waitForState(p);
    eq((await summary(p)).you.id, deeId, 'back at the old seat');
    eq(new URL(p.url()).pathname, '/', 'the join link is gone after going back');

    // A bad code in a link says so at once, and offers the way back too.
    await p.goto(`${hub.url}/join/ZZZZZZZZZZ`);
    await p.waitForSelector('[data-testid=join-error]');
    assert(/No invite matches/.test(await p.textContent('[data-testid=join-error]')), 'bad link error');
    assert((await p.$('[data-testid=join-campaign]')) === null, 'a bad code joins no campaign');
    assert((await p.$('[data-testid=join-back]')) !== null, 'a way back from a bad link');
    await shot(p, 'join-bad-link-seated');

    // Joining the other campaign moves the seat there.
    await p.goto(`${hub.url}/join/${otherInv.code}`);
    await p.waitForSelector('[data-testid=join-campaign]');
    await p.click('[data-testid=join-submit]');
    await waitForState(p);
    const there = await p.evaluate(() => {
      const d = window.__hexcrawl.store.getState().data;
      return { you: d.you, campaign: d.campaign.id, map: d.map?.id };
    });
    eq([there.campaign, there.map], [other.id, otherMap.id], 'at the other campaign’s table');
    eq(there.you.name, 'Dee', 'under the same name');
    eq(await members(other.id), [there.you.id], 'a member of the other campaign');
    const me = await p.evaluate(() => fetch('/api/me').then((r) => r.json()));
    eq([me.playerId, me.campaignId], [there.you.id, other.id], 'the cookie is the new seat');
    await p.reload();
    await waitForState(p);
    eq((await summary(p)).you.id, there.you.id, 'a reload keeps the new seat');
    await shot(p, 'joined-other-campaign');
  } finally {
    await dee.c.close();
  }
});

test('everything a player loaded came from the hub', async () => {
  const hubHost = new URL(hub.url).host;
  const pages = requested.filter((u) => u.startsWith('http'));
  assert(pages.some((u) => u.includes('/assets/')) && requested.some((u) => u.startsWith('ws://')), `too little recorded: ${requested.length} URLs`);
  const ours = new Set([hubHost, ...relayHosts]);
  const foreign = requested.filter((u) => !/^(data|blob):/.test(u) && !ours.has(new URL(u).host));
  eq([...new Set(foreign)], [], 'requests to anywhere but the hub');
});
