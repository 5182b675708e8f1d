// The history end to end (docs/history.md): the real `hexcrawl serve`, Debian's Chromium. A
// session is played and recorded: after each change the DM console's map and Ana's (a phone,
// 360×640, CPU slowed 4×) are kept with the change's seq. Then
//   - the DM scrubs the session's replay to each recorded seq and the replayed map equals the
//     recorded one, as the DM and as Ana; play runs to the end; Ana receives nothing meanwhile;
//     leaving the replay shows the live map again;
//   - the selected hex's history lists its label, reveal and hide;
//   - Ana's journal shows exactly the labels her socket was sent — the "Old Mill" she saw, not
//     the "Burnt Mill" it became once hidden from her, nor the DM's "Secret Cave";
//   - the recap is exported as Markdown and as a PNG of the players' known map (both kept in
//     e2e-artifacts/ to be looked at).
// Usage: npm run e2e -- history.spec (build first: npm run build && cd .. && go build -o hexcrawl .)
import { test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { serialSuite } from './lib/suite.mjs';
import { ARTIFACTS, joinViaLink, shot, waitUntil } from './lib/player.mjs';
import { clickHex, dmSummary, dmWaitUntil, openConsole } from './dm-lib.mjs';

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);

const ctx = { points: [] };
let hub;
let browser;
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-history-',
  failedPrefix: 'FAILED-history-',
  pages: () => [['dm', ctx.dm?.page], ['ana', ctx.ana?.page]],
  ready: (env) => ({ hub, browser } = env),
  teardown: () => ctx.sock?.close(),
});

const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** The DM's map as the checks compare it: terrain, labels, who knows what. */
function dmMap(s) {
  return { cells: s.cells, labels: sorted(s.labels), revealedAll: s.revealedAll, revealedTo: sorted(s.revealedTo) };
}

/** Ana's map as the checks compare it: the hexes she sees, and their labels. */
function playerMap(s) {
  return { visible: [...s.visible].sort(), labels: sorted(s.labels) };
}

/** The replay the console shows, in the shape of dmSummary / summary. */
function replayed(page) {
  return page.evaluate(() => {
    const r = window.__hexcrawlDm.store.getState().replay;
    const d = r?.data;
    if (!d) return null;
    const w = d.map?.width ?? 0;
    const key = (i) => `${i % w},${Math.floor(i / w)}`;
    return {
      seq: r.seq,
      shownSeq: r.shownSeq,
      as: r.as,
      playing: r.playing,
      role: d.role,
      cells: [...d.cells],
      labels: Object.fromEntries(d.labels),
      revealedAll: d.revealedAll ? [...d.revealedAll].flatMap((v, i) => (v ? [key(i)] : [])) : [],
      revealedTo: Object.fromEntries([...d.revealedTo].map(([id, known]) => [id, [...known.keys()].sort()])), // as dmSummary (dm-lib.mjs)
      visible: [...d.cells].flatMap((c, i) => (c === 255 ? [] : [key(i)])),
    };
  });
}

async function waitReplay(page, fn, what, timeout = 8000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await replayed(page);
    if (last && fn(last)) return last;
    await page.waitForTimeout(40);
  }
  throw new Error(`replay: timed out waiting for ${what}; last: ${JSON.stringify(last && { ...last, cells: last.cells.length })}`);
}

/** Sends a change over the scripted DM socket, waits until the console and Ana have it, and
 * records both maps at its seq. */
async function step(name, msg, expect, anaHas) {
  const m = await ctx.sock.send(msg, expect);
  const seq = m.seq;
  await ctx.dm.page.waitForFunction((seq) => window.__hexcrawlDm.store.getState().data.seq >= seq, seq);
  const dm = await dmSummary(ctx.dm.page);
  const ana = await waitUntil(ctx.ana.page, anaHas, `Ana after ${name}`);
  ctx.points.push({ name, seq, dm: dmMap(dm), ana: playerMap(ana) });
}

test('set up: a painted map, a secret, Ana on a phone, the session started', { tag: '@setup' }, async () => {
  await hub.start();
  const camp = await hub.api('POST', '/api/campaigns', { name: 'Old Marches' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Fenland', width: 8, height: 6, orientation: 'flat' });
  const changes = [];
  for (let r = 0; r < 6; r++) for (let q = 0; q < 8; q++) changes.push({ key: `${q},${r}`, terrain: q < 3 ? 'plains' : q < 5 ? 'forest' : 'swamp' });
  changes.push({ key: '6,4', label: 'Secret Cave' });
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const inv = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  Object.assign(ctx, { camp, map });

  const c = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await c.newPage();
  page.on('pageerror', (e) => console.log(`  [ana page error] ${e.message}`));
  ctx.anaFrames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => ctx.anaFrames.push(String(f.payload))));
  const cdp = await c.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  ctx.ana = { c, page };
  await joinViaLink(page, hub.url, inv.code, 'Ana');
  ctx.anaId = await page.evaluate(() => window.__hexcrawl.store.getState().data.you.id);

  const dm = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const dmPage = await dm.newPage();
  dmPage.on('pageerror', (e) => console.log(`  [dm page error] ${e.message}`));
  ctx.dm = { c: dm, page: dmPage };
  await openConsole(dmPage, hub.url, hub.token);
  await dmPage.click('[data-testid=campaign-menu]');
  await dmPage.click('[data-testid=campaign-item]:has-text("Old Marches")');
  await dmWaitUntil(dmPage, (s) => s.campaign.name === 'Old Marches' && s.players.some((p) => p.online), 'the campaign with Ana online');
  await dmPage.click('[data-testid=session-start]');
  await dmWaitUntil(dmPage, (s) => s.status === 'active', 'session active');
  // The changes are scripted over a second DM socket, so each one's seq is known exactly.
  ctx.sock = await hub.dm(camp.id);
});

test('a session is played: reveals, a label, a private reveal, a hide, a relabel in the dark', async () => {
  await step('reveal 1,1 2,1 to all', { type: 'hex:reveal', hexKeys: ['1,1', '2,1'], targets: 'all' }, 'hex:revealed', (s) => s.visible.includes('2,1'));
  await step('label 2,1 Old Mill', { type: 'hex:update', changes: [{ key: '2,1', label: 'Old Mill' }] }, 'hex:updated', (s) => s.labels['2,1'] === 'Old Mill');
  await step('reveal 3,2 to Ana', { type: 'hex:reveal', hexKeys: ['3,2'], targets: { playerIds: [ctx.anaId] } }, 'hex:revealed', (s) => s.visible.includes('3,2'));
  await step('hide 2,1 from all', { type: 'hex:hide', hexKeys: ['2,1'], targets: 'all' }, 'hex:hidden', (s) => !s.visible.includes('2,1'));
  await step('relabel 2,1 Burnt Mill', { type: 'hex:update', changes: [{ key: '2,1', label: 'Burnt Mill' }] }, 'hex:updated', () => true);
  await step('reveal 4,2 to all', { type: 'hex:reveal', hexKeys: ['4,2'], targets: 'all' }, 'hex:revealed', (s) => s.visible.includes('4,2'));
  await ctx.dm.page.click('[data-testid=session-end]');
  await ctx.dm.page.click('[data-testid=confirm-end] >> text=End session');
  await dmWaitUntil(ctx.dm.page, (s) => s.status === 'ended', 'session ended');
  // The recorded maps differ from each other: the checks below compare something.
  const distinct = new Set(ctx.points.map((p) => JSON.stringify(p.dm)));
  eq(distinct.size, ctx.points.length, 'each recorded point is a different DM map');
});

test('scrubbing the session: the map at each recorded point is the map as it was, as the DM and as Ana', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=history-toggle]');
  await page.waitForSelector('[data-testid=history-span][data-session]:not([data-session=""])');
  // Her page's own heartbeat is answered with a pong whatever happens; anything else would be news.
  const heard = () => ctx.anaFrames.filter((f) => !f.startsWith('{"type":"pong"')).length;
  const framesBefore = heard();
  await page.locator('[data-testid=history-span]:not([data-session=""]) [data-testid=history-replay]').first().click();
  await page.waitForSelector('[data-testid=replay-bar]');
  for (const p of ctx.points) {
    await page.locator('[data-testid=replay-range]').fill(String(p.seq));
    const r = await waitReplay(page, (r) => r.shownSeq === p.seq, `seq ${p.seq} (${p.name})`);
    eq(r.role, 'dm', 'the DM view');
    eq(dmMap(r), p.dm, `the DM's map after "${p.name}"`);
  }
  // The session's events, by watch: clicking one shows the map just after it, told in words.
  await page.locator('[data-testid=history-span]:not([data-session=""]) [data-testid=history-span-toggle]').first().click();
  const label = ctx.points[1];
  await page.locator(`[data-testid=history-entry][data-seq="${label.seq}"] button`).click();
  const r = await waitReplay(page, (r) => r.shownSeq === label.seq, 'the label event clicked');
  eq(dmMap(r), label.dm, 'the map after the clicked event');
  const told = await page.textContent('[data-testid=replay-at]');
  assert(told.includes('Old Mill'), `the replay bar tells the event: ${told}`);
  await page.locator('[data-testid=replay-range]').fill(String(ctx.points.at(-1).seq));
  await waitReplay(page, (r) => r.shownSeq === ctx.points.at(-1).seq, 'the last point');
  await shot(page, 'history-replay-dm');
  // As Ana: exactly what her page showed at each point.
  await page.selectOption('[data-testid=replay-as]', `player:${ctx.anaId}`);
  for (const p of [...ctx.points].reverse()) {
    await page.locator('[data-testid=replay-range]').fill(String(p.seq));
    const r = await waitReplay(page, (r) => r.shownSeq === p.seq && r.role === 'player', `Ana at seq ${p.seq}`);
    eq(playerMap(r), p.ana, `Ana's map after "${p.name}"`);
  }
  const mid = ctx.points[1];
  await page.locator('[data-testid=replay-range]').fill(String(mid.seq));
  await waitReplay(page, (r) => r.shownSeq === mid.seq, 'back to the label');
  await shot(page, 'history-replay-ana');
  // Play at the fastest speed runs to the session's end and stops there.
  await page.selectOption('[data-testid=replay-as]', 'dm');
  await page.selectOption('[data-testid=replay-speed]', '250');
  await page.locator('[data-testid=replay-range]').fill(String(ctx.points[0].seq));
  await page.click('[data-testid=replay-play]');
  const end = await waitReplay(page, (r) => !r.playing && r.shownSeq === r.seq && r.seq > ctx.points.at(-1).seq, 'play to the end');
  eq(dmMap(end), dmMap(await dmSummary(page)), 'the end of the session is the live map (nothing happened after it)');
  eq(heard(), framesBefore, 'frames Ana received during the replay');

  await page.click('[data-testid=replay-leave]');
  await page.waitForSelector('[data-testid=replay-bar]', { state: 'detached' });
  await page.waitForFunction(() => window.__hexcrawlDm.map() !== null && window.__hexcrawlDm.store.getState().replay === null);
});

test('a hex’s history: its label, reveal, hide and relabel', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('s');
  await clickHex(page, '2,1');
  await page.click('[data-testid=hex-history] summary');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=hex-history-entry]').length >= 4);
  const whats = await page.locator('[data-testid=hex-history-entry]').evaluateAll((els) => els.map((e) => e.dataset.what));
  for (const w of ['revealed', 'labelled', 'hidden']) assert(whats.includes(w), `the hex's history has ${w}: ${whats.join(', ')}`);
  const text = await page.locator('[data-testid=hex-history]').textContent();
  assert(text.includes('Old Mill') && text.includes('Burnt Mill'), `both labels in the hex's history: ${text}`);
  await shot(page, 'history-hex');
});

test('Ana’s journal shows what she was shown then: Old Mill, not Burnt Mill nor the Secret Cave', async () => {
  const page = ctx.ana.page;
  await page.click('[data-testid=journal-button]');
  await page.waitForSelector('[data-testid=journal-entry]');
  const entries = await page.locator('[data-testid=journal-entry]').evaluateAll((els) => els.map((e) => ({ key: e.dataset.key, what: e.dataset.what, text: e.textContent })));
  const text = entries.map((e) => e.text).join(' | ');
  const keys = [...new Set(entries.filter((e) => e.what === 'discovered').map((e) => e.key))].sort();
  eq(keys, ['1,1', '2,1', '3,2', '4,2'], 'the hexes Ana discovered');
  assert(text.includes('Old Mill'), `the label she learned: ${text}`);
  assert(!text.includes('Burnt Mill'), `a relabel she was never shown: ${text}`);
  assert(!text.includes('Secret Cave'), `a label she never saw: ${text}`);
  // Every label in the journal came to her socket; the others never did.
  const frames = ctx.anaFrames.join('\n');
  for (const l of await page.locator('[data-testid=journal-label]').allTextContents()) assert(frames.includes(JSON.stringify(l)), `"${l}" was sent to Ana`);
  assert(!frames.includes('Burnt Mill') && !frames.includes('Secret Cave'), 'no frame carried the hidden labels');
  await shot(page, 'history-journal-phone');
  await page.click('[data-testid=journal-close]');
  await page.waitForSelector('[data-testid=journal]', { state: 'detached' });
});

test('the recap of the session, as Markdown and as a PNG of the players’ known map', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=session-recap]');
  await page.waitForSelector('[data-testid=recap]');
  const md = await page.locator('[data-testid=recap-md]').textContent();
  assert(md.includes('Old Mill') && md.includes('Ana'), `the recap names what was learned and by whom: ${md}`);
  assert(!md.includes('Secret Cave'), 'the recap leaves out what no player saw');
  await shot(page, 'history-recap');

  const [mdFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=recap-export-md]')]);
  const mdPath = `${ARTIFACTS}history-recap.md`;
  await mdFile.saveAs(mdPath);
  eq(readFileSync(mdPath, 'utf8'), md, 'the Markdown file is the recap shown');

  const [png] = await Promise.all([page.waitForEvent('download', { timeout: 20000 }), page.click('[data-testid=recap-export-png]')]);
  const pngPath = `${ARTIFACTS}history-recap.png`;
  await png.saveAs(pngPath);
  const bytes = readFileSync(pngPath);
  eq([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG', 'a PNG file');
  assert(bytes.length > 2000, `the PNG has a map in it (${bytes.length} bytes)`);
  // The PNG is drawn from the whole table's view of the session's end: what Ana knew, no more.
  const known = await page.evaluate(async ({ campaignId, seq }) => {
    const s = window.__hexcrawlDm.store.getState();
    const m = await s.api.replay(campaignId, seq, 'players');
    return Object.keys(m.labels);
  }, { campaignId: ctx.camp.id, seq: ctx.points.at(-1).seq });
  eq(known, [], 'no label in the players’ map at the end (Old Mill was hidden)');
  await page.keyboard.press('Escape');
});
