// The travel turn end to end (docs/travel.md): the real `hexcrawl serve`, Debian's Chromium; the
// DM drives the console like a person (the rules dialog, the Travel tool on the map, the travel
// panel's buttons), a player watches on a phone-sized page with the CPU slowed 4×.
//   The DM makes every watch's check find something in forest and hills and makes the hills
//   impossible to navigate, travels two watches (a forest hex, then a hills hex) answering each
//   encounter prompt (place a marker; reroll, then dismiss), leaves the hills and gets lost, and
//   declares the party found. The player's page shows their token where they believe they are,
//   the clock and the weather, and nothing else: no frame a player receives carries a roll, a
//   table, an encounter or the true position.
// Usage: npm run e2e -- travel.spec (build first: npm run build && cd .. && go build -o hexcrawl .)
import { test } from '@playwright/test';
import { serialSuite } from './lib/suite.mjs';
import { joinViaLink, shot, summary, waitUntil } from './lib/player.mjs';
import { clickHex, dmSummary, dmWaitUntil, openConsole } from './dm-lib.mjs';

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);

const ctx = {};
let hub;
let browser;
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-travel-',
  failedPrefix: 'FAILED-travel-',
  pages: () => [['dm', ctx.dm?.page], ['ana', ctx.ana?.page]],
  ready: (env) => ({ hub, browser } = env),
});

// Fields only the DM's messages have: a player's socket must never carry one.
const DM_ONLY = ['"lost":', '"roll":', '"faces":', '"events":', '"encounters":', '"travelRules":', '"rules":', '"check":', '"sightPenalty":', '"paceFactor":', '"true":', '"notes":'];

/** The DM's travel state of the default party, from the console's store. */
function dmTravel(page) {
  return page.evaluate(() => {
    const d = window.__hexcrawlDm.store.getState().data;
    const p = d.parties.find((x) => x.default);
    return { key: p.key, travel: d.travel.parties.get(p.id) ?? null, prompts: d.travel.encounters, markers: d.markers.length };
  });
}

/** What the player's page holds of travel, and what it shows. */
async function playerTravel(page) {
  const store = await page.evaluate(() => {
    const d = window.__hexcrawl.store.getState().data;
    return { travel: d.travel.mine, token: d.token };
  });
  const shown = await page.locator('[data-testid=travel-clock]').textContent().catch(() => null);
  return { ...store, shown };
}

/** Whether the player's canvas has the party token (a disc in the default party's colour, #e0a030) drawn on hex key. */
function tokenDrawnAt(page, key) {
  return page.evaluate((key) => {
    const r = window.__hexcrawl.map().renderer();
    const c = r.hexCenter(key);
    if (!c) return false;
    const { w } = r.size();
    const dpr = r.canvas.width / w;
    const s = Math.max(7, Math.min(26, r.getView().scale * 0.42));
    // Right of the banner, inside the disc.
    const px = r.canvas.getContext('2d').getImageData(Math.round((c.x + s * 0.55) * dpr), Math.round((c.y + s * 0.3) * dpr), 1, 1).data;
    return Math.abs(px[0] - 0xe0) < 24 && Math.abs(px[1] - 0xa0) < 24 && Math.abs(px[2] - 0x30) < 30;
  }, key);
}

test('set up: a map of plains, forest and hills; Ana joins on a phone', { tag: '@setup' }, async () => {
  await hub.start();
  const camp = await hub.api('POST', '/api/campaigns', { name: 'Long Road' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Wolds', width: 10, height: 7, orientation: 'flat' });
  // Columns 0–1 plains, 2 forest, 3–5 hills, 6–9 plains.
  const changes = [];
  for (let r = 0; r < 7; r++) {
    for (let q = 0; q < 10; q++) changes.push({ key: `${q},${r}`, terrain: q === 2 ? 'forest' : q >= 3 && q <= 5 ? 'hills' : 'plains' });
  }
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const inv = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  Object.assign(ctx, { camp, map });

  // Ana: a 360×640 phone, the CPU slowed 4×; every frame her socket receives is kept.
  const c = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await c.newPage();
  page.on('pageerror', (e) => console.log(`  [ana page error] ${e.message}`));
  ctx.anaFrames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => ctx.anaFrames.push(String(f.payload))));
  const cdp = await c.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  ctx.ana = { c, page };
  await joinViaLink(page, hub.url, inv.code, 'Ana');

  const dm = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const dmPage = await dm.newPage();
  dmPage.on('pageerror', (e) => console.log(`  [dm page error] ${e.message}`));
  ctx.dm = { c: dm, page: dmPage };
  await openConsole(dmPage, hub.url, hub.token);
  await dmPage.click('[data-testid=campaign-menu]');
  await dmPage.click('[data-testid=campaign-item]:has-text("Long Road")');
  await dmWaitUntil(dmPage, (s) => s.campaign.name === 'Long Road' && s.players.some((p) => p.online), 'the campaign with Ana online');
  await dmPage.click('[data-testid=session-start]');
  await dmWaitUntil(dmPage, (s) => s.status === 'active', 'session active');
  // The party starts on the plains west of the forest (the Party tool).
  await dmPage.keyboard.press('t');
  await clickHex(dmPage, '1,2');
  await dmWaitUntil(dmPage, (s) => s.token === '1,2', 'the party placed');
  await waitUntil(page, (s) => s.token === '1,2', 'Ana sees her token');
});

test('the DM sets the rules: every watch finds something in forest and hills, the hills cannot be navigated', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=travel-rules-open]');
  await page.click('[data-testid=travel-rules-tab-terrain]');
  for (const [id, value] of [
    ['travel-rules-lost-plains', '0 in 6'],
    ['travel-rules-lost-forest', '0 in 6'],
    ['travel-rules-lost-hills', '6 in 6'],
    ['travel-rules-encounter-forest', '6 in 6'],
    ['travel-rules-encounter-hills', '6 in 6'],
  ]) {
    await page.fill(`[data-testid=${id}]`, value);
  }
  // A bad dice notation is refused by the hub, named, and nothing is saved.
  await page.click('[data-testid=travel-rules-tab-encounters]');
  await page.selectOption('[data-testid=travel-rules-enc-terrain]', 'hills');
  await page.fill('[data-testid=travel-rules-enc-table]', '3 2d0 goats');
  await page.click('[data-testid=travel-rules-save]');
  const err = await page.locator('[data-testid=travel-rules-error]').textContent();
  assert(/hills, entry 1 \("2d0 goats"\).*a die has 2 to 100 sides/.test(err), `the error names the entry: ${err}`);
  await page.fill('[data-testid=travel-rules-enc-table]', '3 2d4 goats\n1 a lone shepherd');
  await shot(page, 'travel-rules');
  await page.click('[data-testid=travel-rules-save]');
  await page.waitForSelector('[data-testid=travel-rules]', { state: 'detached' });
  const rules = await page.evaluate(() => window.__hexcrawlDm.store.getState().data.travel.rules);
  eq([rules.navigation.hills, rules.encounters.chance.forest, rules.encounters.tables.hills.length], ['6 in 6', '6 in 6', 2], 'the rules saved');
});

test('watch one: a forest hex takes the morning; Midday’s check finds something; the DM places it', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('g');
  await clickHex(page, '2,2');
  const t = await waitForTravel(page, (t) => t.key === '2,2' && t.prompts.length === 1, 'the forest step and its prompt');
  eq(t.travel.clock.watchName, 'Midday', 'the watch after a forest hex');
  const prompt = page.locator('[data-testid=encounter-prompt]');
  const rolls = await prompt.locator('[data-testid=encounter-rolls]').textContent();
  assert(/check 1d6: \d/.test(rolls) && /table 1d\d+: \d+/.test(rolls), `the prompt shows the rolls: ${rolls}`);
  await shot(page, 'travel-prompt');
  await prompt.locator('[data-testid=encounter-place]').click();
  await waitForTravel(page, (t) => t.prompts.length === 0 && t.markers === 1, 'the encounter placed as a marker');
  await waitUntil(ctx.ana.page, (s) => s.token === '2,2', 'Ana follows');
});

test('watch two: a hills hex takes the midday watch; the Afternoon check is rerolled, then dismissed', async () => {
  const page = ctx.dm.page;
  await clickHex(page, '3,2');
  let t = await waitForTravel(page, (t) => t.key === '3,2' && t.prompts.length === 1, 'the hills step and its prompt');
  eq(t.travel.clock.watchName, 'Afternoon', 'the watch after the hills hex');
  eq(t.travel.lost, null, 'not lost: the forest was left without a check');
  const before = t.prompts[0].check.result.pick;
  await page.click('[data-testid=encounter-reroll]');
  await waitForTravel(page, (t) => t.prompts.length === 1 && t.prompts[0].check.result.pick !== before, 'the reroll', 4000).catch(() => {
    // A reroll may pick the same face; it is still a new roll the hub logged.
  });
  await page.click('[data-testid=encounter-dismiss]');
  await waitForTravel(page, (t) => t.prompts.length === 0, 'the prompt dismissed');
  // The log reads the two watches back, with the rolls.
  await page.click('[data-testid=travel-log-open]');
  const lines = await page.locator('[data-testid=travel-log-line]').allTextContents();
  assert(lines.some((l) => /Midday begins/.test(l)) && lines.some((l) => /Afternoon begins/.test(l)), `log: ${lines.join(' / ')}`);
  assert(lines.some((l) => /Encounter check \(watch, forest, 6 in 6\): 1d6: \d, an encounter/.test(l)), `log has the forest check: ${lines.join(' / ')}`);
  assert(lines.some((l) => /Moved 2,2 → 3,2 \(hills, /.test(l)), `log has the hills step: ${lines.join(' / ')}`);
  // The DM's answers, each at its encounter's time: the Midday one placed, the Afternoon one
  // rerolled and then dismissed.
  assert(lines.some((l) => /Placed the encounter at 2,2 \(.+\) as a marker at 2,2/.test(l)), `log has the placed encounter: ${lines.join(' / ')}`);
  assert(lines.some((l) => /Rerolled the encounter at 3,2: /.test(l)), `log has the reroll: ${lines.join(' / ')}`);
  assert(lines.some((l) => /Dismissed the encounter at 3,2 \(/.test(l)), `log has the dismissal: ${lines.join(' / ')}`);
  await shot(page, 'travel-log');
  await page.keyboard.press('Escape');
});

test('leaving the hills the party gets lost; Ana sees her token where she believes she is', async () => {
  const page = ctx.dm.page;
  await clickHex(page, '4,2');
  const t = await waitForTravel(page, (t) => t.key === '4,2' && t.travel.lost !== null, 'lost');
  assert(t.travel.lost.at !== '4,2', `the true position (${t.travel.lost.at}) is a neighbour of the intended hex, not it`);
  ctx.truth = t.travel.lost.at;
  await page.waitForSelector('[data-testid=travel-lost]');
  eq(await page.textContent('[data-testid=travel-true]'), ctx.truth, 'the DM sees the true position');
  await shot(page, 'travel-lost');
  for (const p of await page.evaluate(() => window.__hexcrawlDm.store.getState().data.travel.encounters)) {
    await page.click(`[data-testid=encounter-dismiss] >> nth=0`);
    void p;
  }
  await waitForTravel(page, (t) => t.prompts.length === 0, 'prompts answered');

  const ana = ctx.ana.page;
  const s = await waitUntil(ana, (s) => s.token === '4,2', 'Ana’s token at the believed hex');
  eq(s.token, '4,2', 'believed position');
  await checkPlayerPage(t.travel, '4,2');
  await shot(ana, 'travel-player-lost');
});

test('found: the token jumps to the truth and sight catches up', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=travel-found]');
  const t = await waitForTravel(page, (t) => t.travel.lost === null && t.key === ctx.truth, 'found');
  await page.waitForSelector('[data-testid=travel-lost]', { state: 'detached' });
  await waitUntil(ctx.ana.page, (s) => s.token === ctx.truth && s.visible.includes(ctx.truth), 'Ana’s token at the truth, the hex explored');
  await checkPlayerPage(t.travel, ctx.truth);
  await shot(ctx.ana.page, 'travel-player-found');
  await shot(page, 'travel-found');
});

test('nothing DM-only ever reached Ana', async () => {
  assert(ctx.anaFrames.length > 5, `Ana received ${ctx.anaFrames.length} frames`);
  for (const f of ctx.anaFrames) {
    for (const banned of DM_ONLY) assert(!f.includes(banned), `a frame to Ana carries ${banned}: ${f.slice(0, 300)}`);
    assert(!/goat|shepherd|wolves|bandits/i.test(f), `an encounter reached Ana: ${f.slice(0, 300)}`);
  }
  const travelFrames = ctx.anaFrames.filter((f) => f.includes('"type":"travel:'));
  assert(travelFrames.length > 0 && travelFrames.every((f) => f.startsWith('{"type":"travel:changed"')), `Ana's travel frames: ${travelFrames.map((f) => f.slice(0, 40))}`);
  const text = await ctx.ana.page.locator('body').innerText();
  assert(!/lost|encounter|1d\d/i.test(text), `Ana's page says: ${text}`);
  // Her phone shows the clock and the weather in one line under the campaign's name.
  const box = await ctx.ana.page.locator('[data-testid=travel-clock]').boundingBox();
  assert(box && box.x >= 0 && box.x + box.width <= 360 && box.height < 30, `the clock fits the phone: ${JSON.stringify(box)}`);
  void dmSummary;
});

/** Ana's page: her clock and weather as the DM's state says, the token drawn where she believes she is. */
async function checkPlayerPage(dmTravelView, key) {
  const page = ctx.ana.page;
  const want = (p) => p.travel && p.travel.clock.day === dmTravelView.clock.day && p.travel.clock.watchName === dmTravelView.clock.watchName;
  let p;
  for (let i = 0; i < 100; i++) {
    p = await playerTravel(page);
    if (want(p) && p.shown?.includes(dmTravelView.clock.watchName)) break;
    await page.waitForTimeout(50);
  }
  assert(want(p), `Ana's clock ${JSON.stringify(p.travel)} vs the DM's ${JSON.stringify(dmTravelView.clock)}`);
  assert(p.shown.startsWith(`Day ${dmTravelView.clock.day}`) && p.shown.includes(dmTravelView.clock.watchName), `shown: ${p.shown}`);
  if (dmTravelView.weather?.shared) {
    eq(p.travel.weather, { name: dmTravelView.weather.name }, 'the weather Ana sees');
    assert(p.shown.includes(dmTravelView.weather.name), `the weather is shown: ${p.shown}`);
  }
  eq(Object.keys(p.travel).sort(), ['clock', 'pace', 'weather'], 'all Ana knows of travel');
  // Drawn, not only in the store: the map follows the token; wait for the frame.
  let drawn = false;
  for (let i = 0; i < 60 && !drawn; i++) {
    drawn = await tokenDrawnAt(page, key);
    if (!drawn) await page.waitForTimeout(100);
  }
  assert(drawn, `the token is drawn on ${key}`);
  void summary;
}

async function waitForTravel(page, pred, what, timeout = 8000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await dmTravel(page);
    if (last.travel && pred(last)) return last;
    await page.waitForTimeout(40);
  }
  const log = await hub.api('GET', `/api/campaigns/${ctx.camp.id}/events?type=travel:`).catch(() => []);
  throw new Error(`DM: timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 1200)}\ntravel log: ${JSON.stringify(log).slice(-2500)}`);
}
