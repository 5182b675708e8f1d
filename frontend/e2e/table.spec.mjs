// End-to-end tests of the table's social features (docs/table.md): the real `hexcrawl serve`,
// Debian's Chromium under @playwright/test, the DM acting over the WebSocket protocol from node.
//   - a player's ping (right-click) reaches the DM and their party, not the other party;
//   - notes: written in the page, back after a reload, a shared one reaches the party and never
//     the other party, a private one only its author (and the DM);
//   - the table screen: read-only, follows the party's token at 768×1024 and 1920×1080, shows
//     nothing the party does not know, the join QR while the session waits, and goes dark when
//     the DM revokes its link.
// Usage: npx playwright test table.spec (build first: npm run build && cd .. && go build -o hexcrawl .)
import { test } from '@playwright/test';
import { serialSuite } from './lib/suite.mjs';
import { hexRgb, joinViaLink, near, shot, waitUntil } from './lib/player.mjs';

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
const FOG = hexRgb('#262a31'); // src/hex/terrain.ts FOG_COLOR

const ctx = { players: {} };
let hub;
let browser;
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-table-',
  failedPrefix: 'FAILED-table-',
  pages: () => [...Object.entries(ctx.players).map(([n, p]) => [n, p.page]), ['screen', ctx.screen?.page]],
  ready: (env) => ({ hub, browser } = env),
  teardown: async () => ctx.dm?.close(),
});

const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function newPage(name, options) {
  const c = await browser.newContext(options);
  const page = await c.newPage();
  page.on('pageerror', (e) => console.log(`  [page error ${name}] ${e.message}`));
  return { name, c, page };
}

const ALL = [];
for (let q = 0; q < 4; q++) for (let r = 0; r < 4; r++) ALL.push(`${q},${r}`);
const SCOUTS_ONLY = '8,5';

/** Pings heard by a page, from its store. */
const pingsOf = (page) => page.evaluate(() => (window.__hexcrawl.store.getState().data?.pings ?? []).map((p) => ({ key: p.key, from: p.from?.name ?? null })));
const notesOf = (page) =>
  page.evaluate(() => (window.__hexcrawl.store.getState().data?.playerNotes ?? []).map((n) => `${n.key}=${n.text}${n.shared ? ' (shared)' : ''} by ${n.authorName}`).sort());
const screenOf = (page, key) => page.evaluate((key) => window.__hexcrawl.map().screenOf(key), key);

/** Taps a hex in the page (its centre on screen). */
async function tapHex(page, key) {
  const at = await screenOf(page, key);
  assert(at, `${key} is not on screen`);
  await page.mouse.click(at.x, at.y);
}

test('set up: a campaign, two parties of phones, the fog', { tag: '@setup' }, async () => {
  await hub.start();
  const camp = await hub.api('POST', '/api/campaigns', { name: 'Mirewatch' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Marsh', width: 12, height: 8, orientation: 'flat' });
  const changes = [];
  for (let q = 0; q < 12; q++) for (let r = 0; r < 8; r++) changes.push({ key: `${q},${r}`, terrain: (q + r) % 2 ? 'plains' : 'forest' });
  changes.push({ key: '2,2', label: 'Old Mill' });
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const { code } = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  Object.assign(ctx, { camp, map, code });
  ctx.dm = await hub.dm(camp.id);
  for (const name of ['Ana', 'Cy', 'Bo']) {
    const p = await newPage(name, PHONE);
    await joinViaLink(p.page, hub.url, code, name);
    p.id = await p.page.evaluate(() => window.__hexcrawl.store.getState().data.you.id);
    ctx.players[name] = p;
  }
  const created = await ctx.dm.send({ type: 'party:create', name: 'Scouts', color: '#3070c0', playerIds: [ctx.players.Bo.id] }, 'parties:changed');
  ctx.scouts = created.parties.find((p) => p.name === 'Scouts').id;
  ctx.company = ctx.dm.defaultParty();
});

test('the table screen waits with the join QR code, then shows only what its party knows', async () => {
  const made = await hub.api('POST', `/api/campaigns/${ctx.camp.id}/displays`, { name: 'TV', partyId: ctx.company });
  assert(made.url.includes('/table#token=') && made.token, `display link: ${JSON.stringify(made)}`);
  ctx.display = made;
  const url = `${hub.url}/table#token=${made.token}`;
  ctx.screen = await newPage('screen', { viewport: { width: 768, height: 1024 } });
  const { page } = ctx.screen;
  await page.goto(url);
  await page.waitForSelector('[data-testid=display-join] svg');
  const code = await page.textContent('[data-testid=display-join]');
  assert(code.includes(ctx.code), `the screen's join code: ${code}`);
  await shot(page, 'table-screen-waiting-768');

  await ctx.dm.send({ type: 'session:start' }, 'session:statusChanged');
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: ALL, targets: 'all' }, 'hex:revealed');
  await ctx.dm.send({ type: 'hex:reveal', hexKeys: [SCOUTS_ONLY], targets: { partyIds: [ctx.scouts] } }, 'hex:revealed');
  await ctx.dm.placeParty('1,1');
  await page.waitForSelector('[data-testid=display-join]', { state: 'detached' });
  const known = await page.waitForFunction(
    (n) => {
      const d = window.__hexcrawlDisplay?.store.getState().data;
      const k = d ? [...d.cells].filter((c) => c !== 255).length : 0;
      return k === n && d.token === '1,1' ? k : null;
    },
    ALL.length,
    { timeout: 10000 },
  );
  eq(await known.jsonValue(), ALL.length, 'hexes the screen knows');
  eq(await page.textContent('[data-testid=display-party]'), 'The party', 'the party it watches');
});

test('a ping from Ana reaches the DM and Cy (her party), not Bo (the scouts)', async () => {
  const ana = ctx.players.Ana.page;
  const from = ctx.dm.messages.length;
  await ana.waitForFunction(() => window.__hexcrawl.map()?.screenOf('1,2') != null);
  const at = await screenOf(ana, '1,2');
  await ana.mouse.click(at.x, at.y, { button: 'right' });
  const dmPing = await ctx.dm.waitFor((m) => m.type === 'hex:pinged', 5000, from);
  eq([dmPing.key, dmPing.from?.name], ['1,2', 'Ana'], 'the DM heard');
  const cy = ctx.players.Cy.page;
  // The rings last 2.5 s: the pages' stores say what arrived, whenever this looks.
  await cy.waitForSelector('[data-testid=ping][data-from=Ana][data-key="1,2"]', { timeout: 5000, state: 'attached' });
  await ctx.screen.page.waitForFunction(() => window.__hexcrawlDisplay.store.getState().data.pings.some((p) => p.from?.name === 'Ana' && p.key === '1,2'), null, {
    timeout: 5000,
  });
  await shot(cy, 'table-ping-phone-360');
  // Bo knows the hex too, but is in another party; a later ping of the DM's to all shows his
  // page was listening.
  await ctx.dm.send({ type: 'hex:ping', key: '3,3' }, 'hex:pinged');
  await ctx.players.Bo.page.waitForFunction(() => window.__hexcrawl.store.getState().data.pings.length > 0, null, { timeout: 5000 });
  eq(await pingsOf(ctx.players.Bo.page), [{ key: '3,3', from: null }], "Bo's pings");
  // A ping on a hex Ana does not know is refused by the hub.
  const e = await ana.evaluate(
    (key) =>
      new Promise((resolve) => {
        const st = window.__hexcrawl.store;
        const n = st.getState().errors.length;
        const un = st.subscribe((s) => {
          if (s.errors.length > n) {
            un();
            resolve(s.errors.at(-1));
          }
        });
        window.__hexcrawl.socket.send({ type: 'hex:ping', key, ref: 'fogged' });
      }),
    SCOUTS_ONLY,
  );
  eq([e.code, e.ref], ['forbidden', 'fogged'], 'a ping into the fog');
});

test('a ping by touch: Cy holds a finger on a hex; the controls are in reach of a thumb', async () => {
  const cy = ctx.players.Cy.page;
  const cdp = await ctx.players.Cy.c.newCDPSession(cy);
  const at = await screenOf(cy, '2,3');
  const from = ctx.dm.messages.length;
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  await touch('touchStart', [[at.x, at.y]]);
  await cy.waitForTimeout(700); // LONG_PRESS_MS is 500
  await touch('touchEnd', []);
  const p = await ctx.dm.waitFor((m) => m.type === 'hex:pinged', 5000, from);
  eq([p.key, p.from?.name], ['2,3', 'Cy'], 'the DM heard the held finger');
  await ctx.players.Ana.page.waitForFunction(() => window.__hexcrawl.store.getState().data.pings.some((p) => p.from?.name === 'Cy' && p.key === '2,3'));
  // The hold was not a tap: no info card opened under the finger.
  eq(await cy.locator('[data-testid=hex-info]').count(), 0, 'cards after a long press');
  // A tap opens the card; its Ping and Note buttons, and the map's buttons, sit in the lower half
  // of the 360×640 screen, each at least 44 px.
  await tapHex(cy, '1,1');
  await cy.waitForSelector('[data-testid=ping-button]');
  const boxes = await cy.$$eval('[data-testid=ping-button], [data-testid=note-button], .controls button', (els) =>
    els.map((e) => {
      const b = e.getBoundingClientRect();
      return { top: b.top, w: b.width, h: b.height, name: e.textContent || e.getAttribute('aria-label') };
    }),
  );
  for (const b of boxes) assert(b.top >= 320 && b.w >= 44 && b.h >= 44, `a control out of a thumb's reach or small: ${JSON.stringify(b)}`);
  await shot(cy, 'table-hex-card-360');
  await cy.keyboard.press('Escape');
  await cy.click('.hexinfo-close');
});

test('notes: written on a phone, back after a reload, shared with the party only', async () => {
  const ana = ctx.players.Ana.page;
  await ana.keyboard.press('Escape');
  await tapHex(ana, '2,2');
  await ana.click('[data-testid=note-button]');
  await ana.waitForSelector('[data-testid=dm-reads-notes]');
  await ana.fill('[data-testid=note-text]', 'We buried the gold under the mill wheel.');
  await ana.check('[data-testid=note-shared]');
  await shot(ana, 'table-note-editor-360');
  await ana.click('[data-testid=note-save]');
  await ana.waitForSelector('[data-testid=note-editor]', { state: 'detached' });
  await tapHex(ana, '0,3');
  await ana.click('[data-testid=note-button]');
  await ana.fill('[data-testid=note-text]', 'Bo owes me 3 gold.');
  await ana.click('[data-testid=note-save]');
  await ana.waitForSelector('[data-testid=note-editor]', { state: 'detached' });
  const want = ['0,3=Bo owes me 3 gold. by Ana', '2,2=We buried the gold under the mill wheel. (shared) by Ana'];
  eq(await notesOf(ana), want, "Ana's notes");

  await ana.reload();
  await ana.waitForFunction(() => window.__hexcrawl?.store.getState().data != null);
  eq(await notesOf(ana), want, "Ana's notes after a reload");
  await ana.click('[data-testid=notes-button]');
  const list = await ana.textContent('[data-testid=note-list]');
  assert(list.includes('Bo owes me') && list.includes('mill wheel') && list.includes('The DM can read'), `the notes list: ${list}`);
  await shot(ana, 'table-notes-list-360');
  await ana.click('[data-testid=note-list] >> text=Close');

  const cy = ctx.players.Cy.page;
  await waitUntil(cy, () => true, 'Cy');
  await cy.waitForFunction(() => window.__hexcrawl.store.getState().data.playerNotes.length === 1);
  eq(await notesOf(cy), ['2,2=We buried the gold under the mill wheel. (shared) by Ana'], "Cy's notes");
  eq(await notesOf(ctx.players.Bo.page), [], "Bo's notes");
  const dmNotes = ctx.dm.messages.findLast((m) => m.type === 'playerNotes:changed').playerNotes;
  eq(dmNotes.map((n) => n.text).sort(), ['Bo owes me 3 gold.', 'We buried the gold under the mill wheel.'], "the DM's notes");
  // An oversized note: the hub says why, nothing is kept.
  const e = await ana.evaluate(
    () =>
      new Promise((resolve) => {
        const st = window.__hexcrawl.store;
        const n = st.getState().errors.length;
        const un = st.subscribe((s) => {
          if (s.errors.length > n) {
            un();
            resolve(s.errors.at(-1));
          }
        });
        // Past the zod check on purpose: the raw socket, as a modified client would.
        window.__hexcrawl.socket.ws.send(JSON.stringify({ type: 'note:set', key: '1,1', text: 'x'.repeat(1001), shared: false, ref: 'big' }));
      }),
  );
  assert(e.ref === 'big' && e.code === 'invalid' && /1000/.test(e.message), `an oversized note: ${JSON.stringify(e)}`);
  eq((await notesOf(ana)).length, 2, 'notes after the oversized one');
});

test('the table screen follows the token, at 768×1024 and 1920×1080, and shows no fog it should not', async () => {
  const { page } = ctx.screen;
  for (const [w, h, path] of [
    [768, 1024, ['2,1', '3,1']],
    [1920, 1080, ['3,2', '3,3']],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await ctx.dm.send({ type: 'party:move', partyId: ctx.company, path }, 'party:moved');
    const to = path.at(-1);
    await page.waitForFunction((to) => window.__hexcrawlDisplay.store.getState().data.token === to, to);
    await page.waitForTimeout(600); // the glide
    const at = await page.evaluate((to) => window.__hexcrawlDisplay.map().screenOf(to), to);
    assert(at && at.x > 0 && at.x < w && at.y > 80 && at.y < h, `the token at ${JSON.stringify(at)} on a ${w}×${h} screen`);
    const fog = await page.evaluate((key) => {
      const r = window.__hexcrawlDisplay.map().renderer();
      const c = r.hexCenter(key);
      const dpr = r.canvas.width / r.size().w;
      if (!c || c.x < 0 || c.y < 0 || c.x >= r.size().w || c.y >= r.size().h) return null;
      const px = r.canvas.getContext('2d').getImageData(Math.round(c.x * dpr), Math.round((c.y - 0.72 * r.getView().scale) * dpr), 1, 1).data;
      return [px[0], px[1], px[2]];
    }, SCOUTS_ONLY);
    assert(fog === null || near(fog, FOG), `the scouts' hex on the company's screen is drawn ${fog}`);
    const cells = await page.evaluate((key) => {
      const d = window.__hexcrawlDisplay.store.getState().data;
      const [q, r] = key.split(',').map(Number);
      return d.cells[r * d.map.width + q];
    }, SCOUTS_ONLY);
    eq(cells, 255, "the scouts' hex in the screen's store");
    await shot(page, `table-screen-${w}x${h}`);
  }
});

test('revoking the display link disconnects the screen', async () => {
  const { page } = ctx.screen;
  await hub.api('DELETE', `/api/campaigns/${ctx.camp.id}/displays/${ctx.display.id}`);
  await page.waitForSelector('[data-testid=display-bad]', { timeout: 10000 });
  const text = await page.textContent('[data-testid=display-bad]');
  assert(/turned this table screen off/.test(text), `after the revoke: ${text}`);
  await page.reload();
  await page.waitForSelector('[data-testid=display-bad]');
});

test("the DM's console: players' notes, a ping to a party, a display link made and revoked", async () => {
  const dmPage = await newPage('dm', { viewport: { width: 1440, height: 900 } });
  ctx.dmPage = dmPage;
  const { page } = dmPage;
  await page.goto(`${hub.url}/dm#token=${encodeURIComponent(hub.token)}`);
  await page.waitForSelector('[data-testid=dm-console]');
  // The console opens on the hub's demo campaign: switch to ours.
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-item]:has-text("Mirewatch")');
  await page.waitForSelector('[data-testid=dm-notes] >> text=Bo owes me 3 gold.');
  const notes = await page.textContent('[data-testid=dm-notes]');
  assert(/private/.test(notes) && /shared with The party/.test(notes) && /mill wheel/.test(notes), `the DM's notes panel: ${notes}`);

  // A ping to the scouts: Bo hears it, Cy does not.
  await page.evaluate(() => window.__hexcrawlDm.store.getState().select('3,3'));
  await page.selectOption('[data-testid=ping-to]', `party:${ctx.scouts}`);
  const cyBefore = (await pingsOf(ctx.players.Cy.page)).length;
  await page.click('[data-testid=dm-ping]');
  await ctx.players.Bo.page.waitForFunction(() => window.__hexcrawl.store.getState().data.pings.some((p) => p.key === '3,3' && p.from === null && performance.now() - p.at < 2000));
  await page.waitForSelector('[data-testid=ping][data-from=DM]', { state: 'attached' });
  await ctx.players.Cy.page.waitForTimeout(300);
  const cyPings = (await pingsOf(ctx.players.Cy.page)).filter((p) => p.key === '3,3');
  assert(cyPings.length <= cyBefore, `Cy heard the scouts' ping: ${JSON.stringify(cyPings)}`);

  // A display link for everyone, through the panel: link and QR code, then revoked.
  await page.fill('[data-testid=screen-name]', 'Wall');
  await page.selectOption('[data-testid=screen-party]', '');
  await page.click('[data-testid=screen-make]');
  await page.waitForSelector('[data-testid=screen-link] svg');
  const url = await page.inputValue('[data-testid=screen-url]');
  assert(/\/table#token=/.test(url), `the display link: ${url}`);
  await page.locator('[data-testid=screens-panel]').screenshot({ path: `${process.cwd()}/e2e-artifacts/table-dm-screens-panel.png` });
  const wall = await newPage('wall', { viewport: { width: 1280, height: 720 } });
  await wall.page.goto(url.replace(/^http:\/\/[^/]+/, hub.url));
  await wall.page.waitForFunction(() => window.__hexcrawlDisplay?.store.getState().data != null);
  const known = await wall.page.evaluate(() => [...window.__hexcrawlDisplay.store.getState().data.cells].filter((c) => c !== 255).length);
  eq(known, ALL.length, 'hexes everyone knows, on the wall screen');
  await page.waitForSelector('[data-testid=screen-row] >> text=Wall');
  await page.click('[data-testid=screen-row]:has-text("Wall") [data-testid=screen-revoke]');
  await wall.page.waitForSelector('[data-testid=display-bad]', { timeout: 10000 });
  await page.waitForSelector('[data-testid=screen-row]:has-text("Wall")', { state: 'detached' });
});
