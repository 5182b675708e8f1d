// Exploration end to end (issue 10, docs/exploration.md): the real `hexcrawl serve`, Debian's
// Chromium. The DM runs the console like a person — the Party tool's clicks, a drag and the
// arrow keys, the Parties panel, the Marker tool, region reveals, the sight rules — while Ana
// watches on a 360×640 phone with the CPU 4× slower and Bo on a desktop.
//   The DM places the party (revealing), splits it (Bo leads the Scouts), moves each party three
// hexes (the Company by two clicks and an arrow key, each move's sight area previewed on hover
// and checked against what the hub then reveals; the Scouts by one drag), and each player's
// page shows exactly its own glimpsed and explored hexes — the store against the hub's own
// state, and the canvas pixels at every hex: explored, muted, or fog. Then undo, staged moves
// (a dashed path) and publish, the sight rules, markers, region reveals ("they bought a map"),
// view as a party, a hub restart mid-session, and no frame to a player ever carrying what they
// may not know.
// Usage: npm run e2e -- explore.spec (build first: npm run build && cd .. && go build -o hexcrawl .)
import { test } from '@playwright/test';
import { serialSuite } from './lib/suite.mjs';
import { joinViaLink, shot, waitUntil } from './lib/player.mjs';
import { clickHex, dmWaitUntil, dragHexes, hexPoint, openConsole, waitForDm } from './dm-lib.mjs';
import { drawnStates, hubState, levelsFor, playerKnowledge, STATE_NAMES, terrainOf } from './lib/explore.mjs';

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
const sorted = (xs) => [...xs].sort();

const ctx = { dmFrames: [], dmSent: [], anaFrames: [], boFrames: [] };
let hub;
let browser;
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-explore-',
  failedPrefix: 'FAILED-explore-',
  pages: () => [['dm', ctx.dm?.page], ['ana', ctx.ana?.page], ['bo', ctx.bo?.page]],
  ready: (env) => ({ hub, browser } = env),
});

// A 12×9 flat map: plains, a ridge of hills down column 6 (the Standing Stones on it), a mountain
// with a watchtower, a wood, a lake and a mill.
const W = 12;
const H = 9;
function terrainAt(q, r) {
  if (q === 6) return 'hills';
  if (q === 9 && r === 2) return 'mountains';
  if ((q === 2 || q === 3) && (r === 6 || r === 7)) return 'forest';
  if ((q === 10 || q === 11) && (r === 6 || r === 7)) return 'water';
  return 'plains';
}
const LABELS = { '6,4': 'Standing Stones', '9,2': 'Watchtower', '9,6': 'Old Mill' };

const COMPANY = 'The Company';

/** The DM's store: parties and knowledge, as plain JSON. */
function dmParties(page) {
  return page.evaluate(() => {
    const d = window.__hexcrawlDm.store.getState().data;
    return d.parties.map((p) => ({ id: p.id, name: p.name, key: p.key, color: p.color, memberIds: p.memberIds, undo: p.undo, reveal: p.reveal }));
  });
}

async function partyNamed(page, name) {
  return (await dmParties(page)).find((p) => p.name === name);
}

/** Waits for the DM's store to show a party so. */
async function waitParty(page, name, pred, what) {
  const start = Date.now();
  let last;
  while (Date.now() - start < 8000) {
    last = await partyNamed(page, name);
    if (last && pred(last)) return last;
    await page.waitForTimeout(40);
  }
  throw new Error(`DM: timed out waiting for ${what}; ${name}: ${JSON.stringify(last)}; the DM's last messages: ${JSON.stringify(ctx.dmSent.slice(-4))}`);
}

async function selectParty(page, name) {
  await page.click(`[data-testid=party-row][data-party="${name}"] [data-testid=party-select]`);
  await page.waitForFunction((n) => window.__hexcrawlDm.store.getState().party()?.name === n, name);
}

/** The preview the DM's map draws for the hovered move: the hexes tinted as explored / glimpsed. */
function previewOnMap(page) {
  return page.evaluate(() => {
    const r = window.__hexcrawlDm.map().renderer();
    // The renderer's scene (a private field): the highlights the map pane gave it.
    const hl = r.scene.highlights ?? new Map();
    const of = (c) => [...hl].filter(([, v]) => v === c).map(([k]) => k).sort();
    return { explored: of('#ffd166'), glimpsed: of('#8fd3ff') };
  });
}

/**
 * Hovers `key` with the Party tool and reads the sight preview (nothing may be sent meanwhile),
 * clicks, and checks that the hub revealed to the party exactly what the preview showed.
 */
async function previewThenClick(page, key) {
  const p = await hexPoint(page, key);
  const sentBefore = ctx.dmSent.length;
  await page.mouse.move(p.x - 3, p.y);
  await page.mouse.move(p.x, p.y);
  await page.waitForSelector('[data-testid=move-preview]');
  let preview;
  for (let i = 0; i < 50; i++) {
    preview = await previewOnMap(page);
    if (preview.explored.length + preview.glimpsed.length > 0) break;
    await page.waitForTimeout(30);
  }
  const note = await page.locator('[data-testid=move-preview]');
  eq([Number(await note.getAttribute('data-explored')), Number(await note.getAttribute('data-glimpsed'))], [preview.explored.length, preview.glimpsed.length], 'the note counts what the map shows');
  eq(ctx.dmSent.length, sentBefore, 'hovering sends nothing');
  const got = ctx.dmFrames.length;
  await page.mouse.click(p.x, p.y);
  const moved = await waitFrame(() => ctx.dmFrames.slice(got).find((f) => f.type === 'party:moved'), `party:moved for ${key}`);
  eq(sorted(moved.explored), preview.explored, `what the step to ${key} explored, as previewed`);
  eq(sorted(moved.glimpsed), preview.glimpsed, `what the step to ${key} glimpsed, as previewed`);
  return moved;
}

async function waitFrame(find, what, timeout = 8000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const f = find();
    if (f) return f;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A player's page against the hub: the store holds exactly the hub's levels for them (fog,
 * glimpsed, explored; labels of explored hexes only), and the canvas draws each known hex as
 * what it is. The view is first fitted to everything they know (as "Show everything we know").
 */
async function checkPlayer(who, { timeout = 10000 } = {}) {
  const { page, id } = ctx[who];
  const st = await hubState(hub, ctx.camp.id);
  const want = levelsFor(st, id);
  const terrain = terrainOf(st);
  const start = Date.now();
  let store;
  let bad;
  while (Date.now() - start < timeout) {
    store = await playerKnowledge(page);
    bad = [...want].filter(([k, l]) => store.levels[k] !== l);
    if (bad.length === 0) break;
    await page.waitForTimeout(60);
  }
  assert(bad.length === 0, `${who}'s store differs from the hub at ${bad.slice(0, 8).map(([k, l]) => `${k}: ${STATE_NAMES[store.levels[k]]} (hub: ${STATE_NAMES[l]})`).join(', ')}`);
  for (const k of Object.keys(store.labels)) assert(want.get(k) === 2, `${who} holds the label of ${k}, which they have not explored`);
  for (const [k, text] of Object.entries(LABELS)) if (want.get(k) === 2) eq(store.labels[k], text, `${who} sees the label of explored ${k}`);
  await page.evaluate(() => window.__hexcrawl.map().fit(true));
  let drawn;
  let wrong;
  while (Date.now() - start < timeout + 5000) {
    await page.waitForTimeout(120);
    drawn = await drawnStates(page, terrain);
    wrong = [...want].filter(([k, l]) => {
      const d = drawn.get(k);
      return (l > 0 && d === null) || (d !== null && d !== STATE_NAMES[l]);
    });
    if (wrong.length === 0) break;
  }
  assert(wrong.length === 0, `${who}'s canvas differs at ${wrong.slice(0, 8).map(([k, l]) => `${k}: drew ${drawn.get(k)}, is ${STATE_NAMES[l]}`).join(', ')}`);
  return { want, drawn, store };
}

const known = (m, level) => [...m].filter(([, l]) => l === level).map(([k]) => k).sort();

test('set up: a map with hills, a mountain, a wood; Ana on a slow phone, Bo on a desktop; the DM’s console', { tag: '@setup' }, async () => {
  await hub.start();
  const camp = await hub.api('POST', '/api/campaigns', { name: 'The Marches' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Marches', width: W, height: H, orientation: 'flat' });
  const changes = [];
  for (let r = 0; r < H; r++) for (let q = 0; q < W; q++) changes.push({ key: `${q},${r}`, terrain: terrainAt(q, r), ...(LABELS[`${q},${r}`] && { label: LABELS[`${q},${r}`] }) });
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const inv = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  Object.assign(ctx, { camp, map });

  const player = async (name, options, slow) => {
    const c = await browser.newContext(options);
    const page = await c.newPage();
    page.on('pageerror', (e) => console.log(`  [${name} page error] ${e.message}`));
    const frames = name === 'Ana' ? ctx.anaFrames : ctx.boFrames;
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    if (slow) await (await c.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await joinViaLink(page, hub.url, inv.code, name);
    const id = await page.evaluate(() => window.__hexcrawl.store.getState().data.you.id);
    return { c, page, id };
  };
  ctx.ana = await player('Ana', { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, true);
  ctx.bo = await player('Bo', { viewport: { width: 1280, height: 800 } }, false);

  const dm = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await dm.newPage();
  page.on('pageerror', (e) => console.log(`  [dm page error] ${e.message}`));
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => ctx.dmFrames.push(JSON.parse(String(f.payload))));
    ws.on('framesent', (f) => ctx.dmSent.push(JSON.parse(String(f.payload))));
  });
  ctx.dm = { c: dm, page };
  await openConsole(page, hub.url, hub.token);
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-item]:has-text("The Marches")');
  await dmWaitUntil(page, (s) => s.campaign.name === 'The Marches' && s.players.filter((p) => p.online).length === 2, 'the campaign with both players online');
  await page.click('[data-testid=session-start]');
  await dmWaitUntil(page, (s) => s.status === 'active', 'session active');
  // The campaign's default party, renamed from the Parties panel.
  await page.click('[data-testid=party-row][data-party="The party"] [data-testid=party-rename]');
  await page.fill('[data-testid=prompt-input]', COMPANY);
  await page.click('[data-testid=prompt-ok]');
  await waitParty(page, COMPANY, (p) => p.memberIds.length === 2, 'the party renamed');
});

test('the DM places the party, revealing what it sees, and splits it: Bo leads the Scouts', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('t');
  // Off the map, the Party tool places; "reveal on arrival" makes it a one-step move's reveal.
  await page.check('[data-testid=place-reveal]');
  await clickHex(page, '2,4');
  await waitParty(page, COMPANY, (p) => p.key === '2,4', 'the party placed');
  const a = await checkPlayer('ana');
  eq(known(a.want, 2), ['2,4'], 'Ana explored where the party stands');
  eq(known(a.want, 1), sorted(['3,4', '3,3', '2,3', '1,3', '1,4', '2,5']), 'and glimpsed its six neighbours');
  await checkPlayer('bo');

  await page.click('[data-testid=party-new]');
  await page.fill('[data-testid=party-new-name]', 'Scouts');
  await page.check('[data-testid=party-new-player][data-player=Bo]');
  await shot(page, 'explore-dm-new-party');
  // From here on, neither player may hear the other party's members.
  ctx.splitAt = { ana: ctx.anaFrames.length, bo: ctx.boFrames.length };
  await page.click('[data-testid=party-new-ok]');
  const scouts = await waitParty(page, 'Scouts', (p) => p.memberIds?.length === 1, 'the Scouts');
  eq(scouts.memberIds, [ctx.bo.id], 'Bo is a Scout');
  eq(scouts.key, '2,4', 'the Scouts start where the party stood');
  eq((await partyNamed(page, COMPANY)).memberIds, [ctx.ana.id], 'Ana stays in the Company');
  ctx.companyId = (await partyNamed(page, COMPANY)).id;
  ctx.scoutsId = scouts.id;
  // Bo's page learns his new party from parties:changed alone.
  await waitUntil(ctx.bo.page, (s) => s.you.partyId === scouts.id && s.token === '2,4', 'Bo in the Scouts');
  const b = await checkPlayer('bo');
  eq(known(b.want, 2), ['2,4'], 'the Scouts keep the map made together');
  await page.waitForSelector('[data-testid=party-row][data-party=Scouts]');
  await shot(page, 'explore-dm-split');
});

test('the Company moves three hexes: two clicks and an arrow key, each previewed on hover first', async () => {
  const page = ctx.dm.page;
  await selectParty(page, COMPANY);
  await page.click('[data-testid=party-mode-move]');
  await previewThenClick(page, '3,4');
  await waitParty(page, COMPANY, (p) => p.key === '3,4', 'the first step');
  await shot(page, 'explore-dm-preview');
  await previewThenClick(page, '4,4');
  await waitParty(page, COMPANY, (p) => p.key === '4,4', 'the second step');
  // From an even column → steps along the row: down-right, to 5,4. The map has the focus (the
  // clicks gave it), and the key is released after the hub has answered, as a person's is: the
  // release must not replay the last click (the gesture library's keyboard drag did, moving the
  // party back to 4,4).
  await page.focus('.dm-map-wrap canvas');
  const got = ctx.dmFrames.length;
  const sent = ctx.dmSent.length;
  await page.keyboard.down('ArrowRight');
  const moved = await waitFrame(() => ctx.dmFrames.slice(got).find((f) => f.type === 'party:moved'), 'the arrow key’s step');
  eq(moved.path, ['5,4'], 'ArrowRight from 4,4 steps to 5,4');
  await waitParty(page, COMPANY, (p) => p.key === '5,4', 'the third step in the console');
  await page.keyboard.up('ArrowRight');
  await page.waitForTimeout(300);
  const c = await partyNamed(page, COMPANY);
  eq([c.key, c.undo], ['5,4', 4], 'at 5,4 after three moves and the placement, each of which can be taken back');
  eq(ctx.dmSent.slice(sent).map((m) => m.type), ['party:move'], 'one key press, one message');
});

test('the Scouts move three hexes in one drag', async () => {
  const page = ctx.dm.page;
  await selectParty(page, 'Scouts');
  const got = ctx.dmSent.length;
  await dragHexes(page, '2,4', '2,1', 16);
  const s = await waitParty(page, 'Scouts', (p) => p.key === '2,1', 'the Scouts at 2,1');
  const moves = ctx.dmSent.slice(got).filter((m) => m.type === 'party:move');
  eq(moves.map((m) => m.path), [['2,3', '2,2', '2,1']], 'one move of three steps');
  eq(s.undo, 1, 'one move to take back');
});

test('each player’s page shows exactly their own glimpsed and explored hexes (store and pixels)', async () => {
  const a = await checkPlayer('ana');
  const b = await checkPlayer('bo');
  eq(known(a.want, 2), sorted(['2,4', '3,4', '4,4', '5,4']), 'Ana explored the Company’s path');
  eq(known(b.want, 2), sorted(['2,4', '2,3', '2,2', '2,1']), 'Bo explored the Scouts’ path');
  // Each sees what the other party found only as far as their own knowledge goes.
  assert(a.drawn.get('2,1') === 'fog' || a.drawn.get('2,1') === null, `Ana does not know 2,1 (drew ${a.drawn.get('2,1')})`);
  eq(b.drawn.get('5,4'), 'fog', 'Bo does not know 5,4');
  eq(a.drawn.get('6,4'), 'glimpsed', 'Ana glimpsed the Standing Stones from 5,4, muted');
  eq(a.drawn.get('9,2'), 'glimpsed', 'the mountain is a landmark: glimpsed from four hexes away');
  eq(a.store.labels['6,4'], undefined, 'a glimpsed hex has no label');
  // The tokens: each their own; the other party's is on a hex they have not explored.
  eq(a.store.parties.map((p) => p.name), [COMPANY], 'Ana sees the Company only');
  eq(b.store.parties.map((p) => p.name), ['Scouts'], 'Bo sees the Scouts only');
  await shot(ctx.ana.page, 'explore-ana-phone');
  await shot(ctx.bo.page, 'explore-bo-desktop');
  // The DM's knowledge, kept from the deltas, is the hub's.
  await checkDmKnowledge();
});

/** The DM's store holds the hub's knowledge: all, each party's, each player's private. */
async function checkDmKnowledge() {
  const st = await hubState(hub, ctx.camp.id);
  const mine = await ctx.dm.page.evaluate(() => {
    const d = window.__hexcrawlDm.store.getState().data;
    return {
      all: [...d.revealedAll].join(''),
      parties: Object.fromEntries([...d.partyKnown].map(([id, a]) => [id, [...a].join('')]).sort(([x], [y]) => (x < y ? -1 : 1))),
      players: Object.fromEntries([...d.revealedTo].filter(([, m]) => m.size > 0).map(([id, m]) => [id, Object.fromEntries([...m].sort())]).sort(([x], [y]) => (x < y ? -1 : 1))),
    };
  });
  eq(mine.all, st.revealedAll, 'the DM’s revealedAll');
  // Compared as sorted entries: the party ids are random, the DM's Map keeps arrival order.
  eq(mine.parties, Object.fromEntries(Object.entries(st.partyKnown).sort(([x], [y]) => (x < y ? -1 : 1))), 'the DM’s partyKnown');
  const hubPlayers = Object.fromEntries(Object.entries(st.revealedTo).filter(([, m]) => Object.keys(m).length > 0).map(([id, m]) => [id, Object.fromEntries(Object.entries(m).sort())]).sort(([x], [y]) => (x < y ? -1 : 1)));
  eq(mine.players, hubPlayers, 'the DM’s revealedTo');
}

test('the DM views the map as the Scouts know it: glimpsed muted, the rest fog', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=party-row][data-party=Scouts] [data-testid=party-viewas]');
  await page.waitForSelector('[data-testid=viewas-banner]');
  const st = await hubState(hub, ctx.camp.id);
  const want = levelsFor(st, ctx.bo.id);
  const terrain = terrainOf(st);
  let drawn;
  let wrong;
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(80);
    drawn = await drawnStates(page, terrain, '__hexcrawlDm');
    wrong = [...want].filter(([k, l]) => drawn.get(k) !== null && drawn.get(k) !== STATE_NAMES[l]);
    if (wrong.length === 0) break;
  }
  assert(wrong.length === 0, `view as Scouts differs at ${wrong.slice(0, 6).map(([k, l]) => `${k}: ${drawn.get(k)} vs ${STATE_NAMES[l]}`).join(', ')}`);
  await shot(page, 'explore-dm-viewas-scouts');
  await page.click('[data-testid=party-row][data-party=Scouts] [data-testid=party-viewas]');
  await page.waitForSelector('[data-testid=viewas-banner]', { state: 'detached' });
});

test('undo takes back the Company’s last move with exactly what it revealed', async () => {
  const page = ctx.dm.page;
  const before = await checkPlayer('ana');
  await selectParty(page, COMPANY);
  await page.keyboard.press('u');
  await waitParty(page, COMPANY, (p) => p.key === '4,4' && p.undo === 3, 'the Company back at 4,4');
  // The token comes in its own frame (parties:changed), after the knowledge checkPlayer waits for.
  await ctx.ana.page.waitForFunction(() => window.__hexcrawl.store.getState().data?.token === '4,4', null, { timeout: 8000 });
  const after = await checkPlayer('ana');
  eq(after.want.get('5,4'), 1, '5,4 is glimpsed again (seen from 4,4)');
  eq(after.want.get('9,2'), 0, 'the landmark seen from 5,4 only is forgotten');
  assert(before.want.get('6,4') === 1 && after.want.get('6,4') === 0, 'the Standing Stones, seen from 5,4 only, are forgotten');
  eq(after.store.token, '4,4', 'Ana’s token is back');
  await checkPlayer('bo');
  await checkDmKnowledge();
});

test('staged: moves queue as a dashed path; Ana sees nothing until they are published', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=mode-staged]');
  await dmWaitUntil(page, (s) => s.mode === 'staged', 'staged mode');
  await page.keyboard.press('ArrowUp');
  await dmWaitUntil(page, (s) => s.staged.length === 1, 'one move staged');
  // The next step starts where the staged one leaves the party.
  await page.keyboard.press('ArrowUp');
  const s = await dmWaitUntil(page, (s) => s.staged.length === 2, 'two moves staged');
  eq(s.staged.map((x) => [x.kind, x.path]), [['move', ['4,3']], ['move', ['4,2']]], 'the staged moves');
  eq((await partyNamed(page, COMPANY)).key, '4,4', 'the token has not moved yet');
  // The dashed path in the Company's colour runs from 4,4 up to 4,2.
  const company = await partyNamed(page, COMPANY);
  const onPath = await page.evaluate(
    ({ color }) => {
      const r = window.__hexcrawlDm.map().renderer();
      const a = r.hexCenter('4,4');
      const b = r.hexCenter('4,2');
      const dpr = r.canvas.width / r.size().w;
      const ctx2 = r.canvas.getContext('2d');
      const want = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
      let hits = 0;
      for (let t = 0.1; t <= 0.9; t += 0.02) {
        const x = a.x + (b.x - a.x) * t;
        const y = a.y + (b.y - a.y) * t;
        const d = ctx2.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
        if (Math.abs(d[0] - want[0]) < 20 && Math.abs(d[1] - want[1]) < 20 && Math.abs(d[2] - want[2]) < 20) hits++;
      }
      return hits;
    },
    { color: company.color },
  );
  assert(onPath >= 8, `the staged path is drawn in the party's colour (${onPath} of 41 points on it)`);
  await shot(page, 'explore-dm-staged');
  const ana = await playerKnowledge(ctx.ana.page);
  eq(ana.token, '4,4', 'Ana’s token waits');
  await page.click('[data-testid=publish]');
  await waitParty(page, COMPANY, (p) => p.key === '4,2', 'published: the Company at 4,2');
  await waitUntil(ctx.ana.page, (s) => s.token === '4,2', 'Ana follows');
  await checkPlayer('ana');
  await page.click('[data-testid=mode-immediate]');
  await dmWaitUntil(page, (s) => s.mode === 'immediate', 'immediate mode');
});

test('the sight rules editor: a bad value is refused with the reason; hills that see three hexes, used by the preview and the hub alike', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=sight-rules-open]');
  await page.waitForSelector('[data-testid=sight-rules]');
  eq(await page.inputValue('[data-testid=sight-sight-hills]'), '2', 'the default shown');
  await page.fill('[data-testid=sight-sight-hills]', '13');
  await page.click('[data-testid=sight-rules-save]');
  eq(await page.textContent('[data-testid=sight-rules-error]'), 'sight rules: hills: sight must be 0 to 12 hexes', 'the reason');
  eq(await page.evaluate(() => window.__hexcrawlDm.store.getState().data.sightRules.hills.sight), 2, 'nothing saved');
  await page.fill('[data-testid=sight-sight-hills]', '3');
  await shot(page, 'explore-dm-sight-rules');
  await page.click('[data-testid=sight-rules-save]');
  await page.waitForSelector('[data-testid=sight-rules]', { state: 'detached' });
  eq(await page.evaluate(() => window.__hexcrawlDm.store.getState().data.sightRules.hills), { sight: 3, height: 1, landmark: 0 }, 'saved');
  await page.keyboard.press('t');
  await selectParty(page, COMPANY);
  await previewThenClick(page, '5,2');
  const onHill = await previewThenClick(page, '6,2');
  // 9,3 is three hexes from the hill: seen with sight 3, not with the default 2.
  assert(onHill.glimpsed.includes('9,3'), `from the hill the party sees three hexes out: ${onHill.glimpsed}`);
  await checkPlayer('ana');
});

test('markers: placed for players on an explored hex, moved by dragging, hidden, removed', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('m');
  await page.selectOption('[data-testid=marker-kind]', 'camp');
  await page.fill('[data-testid=marker-label]', 'Goblin camp');
  await page.click('[data-testid=marker-vis-players]');
  await clickHex(page, '3,4');
  await page.waitForSelector('[data-testid=marker-row][data-kind=camp]');
  // Ana explored 3,4; the Scouts only glimpsed it: the marker is hers to see.
  await waitMarkers('ana', ['3,4']);
  await waitMarkers('bo', []);
  const drawn = await markerDrawn(ctx.ana.page, '3,4');
  assert(drawn, 'the camp is drawn on Ana’s map');
  await shot(ctx.ana.page, 'explore-ana-marker');
  // Dragged to 2,4, which both parties explored.
  await dragHexes(page, '3,4', '2,4');
  await waitMarkers('ana', ['2,4']);
  await waitMarkers('bo', ['2,4']);
  await shot(page, 'explore-dm-marker');
  // Only the DM again, then gone.
  await page.click('[data-testid=marker-row-visibility]');
  await waitMarkers('ana', []);
  await waitMarkers('bo', []);
  eq((await page.evaluate(() => window.__hexcrawlDm.store.getState().data.markers)).map((m) => m.visibility), ['dm'], 'the DM still has it');
  await page.click('[data-testid=marker-row-remove]');
  await page.waitForFunction(() => window.__hexcrawlDm.store.getState().data.markers.length === 0);
});

async function waitMarkers(who, keys) {
  const page = ctx[who].page;
  const start = Date.now();
  let last;
  while (Date.now() - start < 8000) {
    last = (await playerKnowledge(page)).markers.map((m) => m.key);
    if (JSON.stringify(last) === JSON.stringify(keys)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`${who}'s markers: ${JSON.stringify(last)}, want ${JSON.stringify(keys)}`);
}

/** Whether a marker badge (the camp's colour) is drawn at the upper right of hex key. */
async function markerDrawn(page, key) {
  for (let i = 0; i < 40; i++) {
    await page.evaluate((k) => window.__hexcrawl.map().centerOn(k), key);
    await page.waitForTimeout(100);
    const hit = await page.evaluate((k) => {
      const r = window.__hexcrawl.map().renderer();
      const c = r.hexCenter(k);
      const s = r.getView().scale;
      const dpr = r.canvas.width / r.size().w;
      const rad = Math.max(5, Math.min(13, s * 0.2));
      // Left of the badge's middle, clear of the tent drawn on it.
      const d = r.canvas.getContext('2d').getImageData(Math.round((c.x + s * 0.5 - rad * 0.75) * dpr), Math.round((c.y - s * 0.4) * dpr), 1, 1).data;
      return Math.abs(d[0] - 0x8a) < 24 && Math.abs(d[1] - 0x5a) < 24 && Math.abs(d[2] - 0x33) < 24;
    }, key);
    if (hit) return true;
  }
  return false;
}

test('region reveals: around a hex as glimpsed and by label as explored, to the Scouts alone; a huge one asks first', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('r');
  await page.click('[data-testid=party-row][data-party=Scouts] [data-testid=party-pick-target]');
  await page.click('[data-testid=reveal-glimpsed]');
  await page.click('[data-testid=region-open]');
  await page.fill('[data-testid=region-center]', '9,6');
  await page.fill('[data-testid=region-radius]', '1');
  eq((await page.textContent('[data-testid=region-summary]')).startsWith('7 hexes · as glimpsed to the parties'), true, 'the dialog says what it will do');
  await shot(page, 'explore-dm-region');
  await page.click('[data-testid=region-ok]');
  const b = await waitFor(() => checkPlayer('bo', { timeout: 3000 }), (b) => b.want.get('9,6') === 1, 'Bo glimpsed the mill', 20000);
  eq(b.store.labels['9,6'], undefined, 'no label: glimpsed');
  // "They bought a map": every hex labelled Old Mill, explored.
  await page.click('[data-testid=region-open]');
  await page.click('[data-testid=region-label]');
  await page.selectOption('[data-testid=region-label-pick]', 'Old Mill');
  await page.click('[data-testid=region-explored]');
  await page.click('[data-testid=region-ok]');
  const b2 = await waitFor(() => checkPlayer('bo', { timeout: 3000 }), (b) => b.want.get('9,6') === 2, 'Bo explored the mill', 20000);
  eq(b2.store.labels['9,6'], 'Old Mill', 'the label now');
  const a = await checkPlayer('ana');
  eq(a.want.get('9,6'), 0, 'Ana knows nothing of it');
  // The whole map to everyone: asks first; cancelled, nothing is sent.
  await page.click('[data-testid=target-all]');
  const sent = ctx.dmSent.length;
  await page.click('[data-testid=region-open]');
  await page.click('[data-testid=region-all]');
  await page.click('[data-testid=region-ok]');
  await page.waitForSelector('[data-testid=confirm-large]');
  eq((await page.textContent('[data-testid=confirm-large] h2')).startsWith('Reveal '), true, 'a large reveal asks');
  await page.keyboard.press('Escape');
  // Hide everything asks too.
  await page.keyboard.press('h');
  await page.click('[data-testid=region-open]');
  await page.click('[data-testid=region-all]');
  await page.click('[data-testid=region-ok]');
  await page.waitForSelector('[data-testid=confirm-large]');
  await shot(page, 'explore-dm-hide-everything');
  await page.keyboard.press('Escape');
  eq(ctx.dmSent.slice(sent).filter((m) => m.type === 'hex:reveal' || m.type === 'hex:hide').length, 0, 'nothing sent');
  await page.keyboard.press('Escape');
});

/**
 * Calls `get` until `pred` holds. A `get` that throws is tried again: checkPlayer reads the hub's
 * state first, and a reveal landing while it then checks the page makes the page "wrong" against
 * that older state.
 */
async function waitFor(get, pred, what, timeout = 10000) {
  const start = Date.now();
  let last;
  let err;
  while (Date.now() - start < timeout) {
    try {
      last = await get();
      err = undefined;
      if (pred(last)) return last;
    } catch (e) {
      err = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${err ? `: ${err.message}` : ''}`);
}

test('a restart of the hub mid-session: every page reconnects to the same picture', async () => {
  const a = await checkPlayer('ana');
  const b = await checkPlayer('bo');
  const dmBefore = await dmParties(ctx.dm.page);
  const states = async (who) => {
    const p = ctx[who].page;
    return p.evaluate(() => window.__hexcrawl.store.getState().fullStates);
  };
  const fullA = await states('ana');
  const fullB = await states('bo');
  const dmHeard = ctx.dmFrames.length;
  await hub.stop();
  await waitUntil(ctx.ana.page, (s) => s.connection !== 'open', 'Ana sees the hub gone', 15000);
  await hub.start();
  // Back by themselves (the socket's backoff), each with a fresh session:state.
  await ctx.ana.page.waitForFunction((n) => window.__hexcrawl.store.getState().fullStates > n && window.__hexcrawl.store.getState().connection.kind === 'open', fullA, { timeout: 45000 });
  await ctx.bo.page.waitForFunction((n) => window.__hexcrawl.store.getState().fullStates > n && window.__hexcrawl.store.getState().connection.kind === 'open', fullB, { timeout: 45000 });
  await waitForDm(ctx.dm.page, 45000);
  await waitFrame(() => ctx.dmFrames.slice(dmHeard).find((f) => f.type === 'session:state'), 'the DM console’s fresh state', 45000);
  const a2 = await checkPlayer('ana');
  const b2 = await checkPlayer('bo');
  eq([...a2.want], [...a.want], 'Ana knows what she knew');
  eq([...b2.want], [...b.want], 'Bo knows what he knew');
  for (const [k, d] of a.drawn) if (d !== null && a2.drawn.get(k) !== null) eq(a2.drawn.get(k), d, `Ana's ${k} drawn as before`);
  eq(await dmParties(ctx.dm.page), dmBefore, 'the DM’s parties, tokens and undo depths');
  await checkDmKnowledge();
  await shot(ctx.ana.page, 'explore-ana-after-restart');
});

test('no frame to a player ever carried what they may not know', async () => {
  const check = (who, frames, otherParty, since) => {
    assert(frames.length > 10, `${who} received ${frames.length} frames`);
    for (const [i, f] of frames.entries()) {
      for (const banned of ['"notes"', '"visibility"', '"partyKnown"', '"revealedTo"', '"revealedAll"', '"sightRules"', '"undo"', '"reveal":']) {
        assert(!f.includes(banned), `a frame to ${who} carries ${banned}: ${f.slice(0, 200)}`);
      }
      const m = JSON.parse(f);
      for (const p of m.parties ?? []) {
        if (i >= since && p.id === otherParty) assert(p.memberIds === undefined, `${who} was told the other party's members: ${f.slice(0, 200)}`);
      }
    }
  };
  check('Ana', ctx.anaFrames, ctx.scoutsId, ctx.splitAt.ana);
  check('Bo', ctx.boFrames, ctx.companyId, ctx.splitAt.bo);
  // Ana only ever glimpsed the Standing Stones and the watchtower: their labels never reached her.
  for (const f of ctx.anaFrames) {
    assert(!f.includes('Standing Stones') && !f.includes('Watchtower') && !f.includes('Old Mill'), `a label Ana may not see: ${f.slice(0, 200)}`);
  }
});
