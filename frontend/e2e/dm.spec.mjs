// DM console end-to-end tests: the real `hexcrawl serve` (HEXCRAWL_BIN, default ../hexcrawl),
// Debian's Chromium via playwright-core; the DM drives the console page like a person would
// (clicks, drags, keys) and players watch in their own browser contexts.
//   issue 4: start, staged mode, reveal to ONE selected player, undo one staged item, publish →
//            that player shows exactly the published hexes, the other player nothing.
//   issue 5: paint by dragging, flood fill, label, undo and redo, reload → the map as left;
//            painting in a live session follows the broadcast mode and reaches only who sees it.
// Usage: npm run e2e:dm (build first: npm run build && cd .. && go build -o hexcrawl .)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { serialSuite } from './lib/suite.mjs';
import { hexColour, hexRgb, joinViaLink, near, settledColour, shot, summary, waitUntil } from './lib/player.mjs';
import { blend, clickHex, dmHexColour, dmSummary, dmWaitUntil, dragHexes, hexPoint, openConsole, waitForDm } from './dm-lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

const terrainSrc = readFileSync(join(here, '../src/hex/terrain.ts'), 'utf8');
const colour = (name) => hexRgb(new RegExp(`\\b${name}: '(#[0-9a-f]{6})'`).exec(terrainSrc)[1]);
const FOG_RGB = hexRgb(/FOG_COLOR = '(#[0-9a-f]{6})'/.exec(terrainSrc)[1]);
const VEIL = 0.55; // DEFAULT_RENDER_OPTIONS.veilAlpha: the DM sees fog at this opacity over hidden hexes

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const eq = (a, b, msg) => assert(JSON.stringify(a) === JSON.stringify(b), `${msg}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
const sorted = (a) => [...a].sort();

const ctx = {};
let hub;
let browser;
let dir; // the hub's data folder, also for the files the tests write
serialSuite({
  tmpPrefix: 'hexcrawl-e2e-dm-',
  failedPrefix: 'FAILED-dm-',
  pages: () => [['dm', ctx.dm?.page], ['ana', ctx.ana?.page], ['bo', ctx.bo?.page]],
  ready: (env) => ({ hub, browser, dir } = env),
});

async function newContext(viewport = { width: 1440, height: 900 }) {
  const c = await browser.newContext({ viewport });
  const page = await c.newPage();
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`  [console ${m.type()}] ${m.text()}`);
  });
  return { c, page };
}

const dmShot = (name) => shot(ctx.dm.page, `dm-${name}`);

// ------------------------------------------------------------------ setup

// @setup: E2E_ONLY runs these too, the other steps need them.
test('set up: a campaign with a painted map, an invite, two players', { tag: '@setup' }, async () => {
  await hub.start();
  const camp = await hub.api('POST', '/api/campaigns', { name: 'Issue Four' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Marches', width: 14, height: 10, orientation: 'flat' });
  const terrains = ['plains', 'forest', 'hills', 'plains', 'swamp', 'plains', 'coast'];
  const changes = [];
  for (let r = 0; r < 10; r++) for (let q = 0; q < 14; q++) changes.push({ key: `${q},${r}`, terrain: terrains[(q * 3 + r * 5) % terrains.length] });
  changes.push({ key: '5,4', terrain: 'settlement', label: 'Millbrook', notes: 'the miller is a werewolf' });
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  const inv = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
  Object.assign(ctx, { camp, map, code: inv.code });
  ctx.ana = await newContext({ width: 1100, height: 760 });
  ctx.bo = await newContext({ width: 1100, height: 760 });
  await joinViaLink(ctx.ana.page, hub.url, inv.code, 'Ana');
  await joinViaLink(ctx.bo.page, hub.url, inv.code, 'Bo');
  ctx.anaId = (await summary(ctx.ana.page)).you.id;
  ctx.boId = (await summary(ctx.bo.page)).you.id;
});

test('the DM console opens from the #token link, keeps the token and strips it from the URL', { tag: '@setup' }, async () => {
  ctx.dm = await newContext();
  await openConsole(ctx.dm.page, hub.url, hub.token);
  const page = ctx.dm.page;
  eq(new URL(page.url()).hash, '', 'token removed from the address bar');
  eq(await page.evaluate(() => localStorage.getItem('hexcrawl.dmToken')), hub.token, 'token kept in localStorage');
  // The hub made a demo campaign on first start: a newcomer sees its map and its join code at
  // once, without creating an invite.
  const demo = (await hub.api('GET', '/api/campaigns')).find((c) => c.name.includes('demo'));
  const demoInvites = await hub.api('GET', `/api/campaigns/${demo.id}/invites`);
  eq((await dmSummary(page)).campaign.id, demo.id, 'the console opens on the demo campaign');
  await page.waitForSelector('[data-testid=join-code]');
  eq(await page.getAttribute('[data-testid=join-code]', 'data-code'), demoInvites[0].code, "the demo's join code is shown in the Players panel");
  assert((await dmSummary(page)).cells.length > 0, 'the demo map is there');
  await dmShot('demo');
  // Switch to ours from the campaign menu.
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-item]:has-text("Issue Four")');
  const s = await dmWaitUntil(page, (s) => s.players.filter((p) => p.online).length === 2, 'both players online');
  eq(s.campaign.name, 'Issue Four', 'campaign');
  eq(await page.textContent('[data-testid=campaign-name]'), 'Issue Four', 'campaign name shown');
  const rows = await page.$$eval('[data-testid=player-row]', (els) => els.map((e) => `${e.dataset.player}|${e.dataset.online}`));
  eq(sorted(rows), ['Ana|true', 'Bo|true'], 'players panel');
  await dmShot('opened');
  await page.locator('[data-testid=hexmap]').focus();
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=shortcuts]');
  await dmShot('shortcuts');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=shortcuts]', { state: 'detached' });
  // A reload finds the token in localStorage (no fragment any more).
  await page.reload();
  await waitForDm(page);
  eq(new URL(page.url()).pathname, '/dm', 'still /dm');
  eq((await dmSummary(page)).campaign.name, 'Issue Four', 'the chosen campaign is remembered');
  // The remembered campaign's socket is opened while the campaign list is still on its way,
  // not after the console has mounted (boot.ts), and the console uses that same socket.
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  const list = await page.evaluate(() => performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/campaigns'))?.responseEnd ?? null);
  assert(marks['hexcrawl:dm-socket-start'] !== undefined && list !== null, `boot marks: ${JSON.stringify(marks)}, list ${list}`);
  assert(marks['hexcrawl:dm-socket-start'] < list, `socket started (${marks['hexcrawl:dm-socket-start']}) before the campaign list arrived (${list})`);
  eq(await page.evaluate(() => performance.getEntriesByName('hexcrawl:dm-socket-start').length), 1, 'one socket start: the console kept the early socket');
});

// ------------------------------------------------------------------ issue 4

test('issue 4: start, staged mode, reveal to one selected player, undo one item, publish', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=session-start]');
  await dmWaitUntil(page, (s) => s.status === 'active', 'session active');
  await waitUntil(ctx.ana.page, (s) => s.status === 'active', 'Ana sees active');
  await page.click('[data-testid=mode-staged]');
  await dmWaitUntil(page, (s) => s.mode === 'staged', 'staged mode');

  // Tick Ana in the players panel; the reveal tool then targets the selected players.
  await page.click('[data-testid=player-row][data-player=Ana] [data-testid=player-pick]');
  await page.keyboard.press('r');
  await page.waitForSelector('[data-testid=tool-options]');
  assert((await page.getAttribute('[data-testid=target-selected]', 'class'))?.includes('on'), 'target: selected players');
  eq((await page.textContent('[data-testid=target-selected]')).trim(), 'Ana', 'target names Ana');

  // Item 1: drag across a row of hexes. Item 2: a click on another hex (to be undone).
  await dragHexes(page, '2,2', '6,2');
  let s = await dmWaitUntil(page, (s) => s.staged.length === 1, 'one staged reveal');
  const first = s.staged[0];
  eq(first.kind, 'reveal', 'staged kind');
  eq(first.targets, { playerIds: [ctx.anaId] }, 'staged targets: Ana only');
  assert(first.hexKeys.length >= 5 && first.hexKeys.includes('2,2') && first.hexKeys.includes('6,2'), `drag covered 2,2..6,2: ${first.hexKeys}`);
  await clickHex(page, '10,7');
  s = await dmWaitUntil(page, (s) => s.staged.length === 2, 'two staged reveals');
  eq(s.staged[1].hexKeys, ['10,7'], 'second item is the clicked hex');
  eq(await page.$$eval('[data-testid=staged-item]', (els) => els.length), 2, 'two rows in the staged list');
  await dmShot('staged-two');

  // Nothing reached the players yet; they are told the DM is preparing.
  await ctx.ana.page.waitForSelector('[data-testid=preparing]');
  eq((await summary(ctx.ana.page)).visible, [], 'Ana sees nothing before publish');

  // Undo the second staged item.
  await page.click('[data-testid=staged-item]:nth-child(2) [data-testid=staged-undo]');
  s = await dmWaitUntil(page, (s) => s.staged.length === 1, 'one staged item left');
  eq(s.staged[0].id, first.id, 'the first item stays');

  // Publish.
  await page.click('[data-testid=publish]');
  s = await dmWaitUntil(page, (s) => s.staged.length === 0 && (s.revealedTo[ctx.anaId] ?? []).length > 0, 'published');
  eq(s.revealedTo[ctx.anaId], sorted(first.hexKeys), "DM's state: revealed to Ana exactly the first item's hexes");
  eq(s.revealedAll, [], 'nothing revealed to all');
  ctx.published = sorted(first.hexKeys);
});

test('issue 4: Ana sees exactly the published hexes; Bo sees none of them', async () => {
  const a = await waitUntil(ctx.ana.page, (s) => s.visible.length === ctx.published.length && !s.preparing, 'Ana sees the published hexes');
  eq(sorted(a.visible), ctx.published, 'Ana: exactly the published hexes');
  assert(!a.visible.includes('10,7'), 'the undone hex is not visible');
  const shown = await settledColour(ctx.ana.page, '4,2', (c) => c !== null && !near(c, FOG_RGB)); // after the reveal fade
  assert(!near(shown, FOG_RGB), `Ana's 4,2 should be drawn as terrain, got ${shown}`);
  const undone = await hexColour(ctx.ana.page, '10,7');
  assert(undone === null || near(undone, FOG_RGB), `Ana's 10,7 should be fog, got ${undone}`);
  await shot(ctx.ana.page, 'dm-issue4-ana');

  await ctx.bo.page.waitForTimeout(400);
  const b = await summary(ctx.bo.page);
  eq(b.visible, [], 'Bo sees nothing');
  assert(!b.preparing, 'Bo no longer sees "preparing"');
  const boPixel = await hexColour(ctx.bo.page, '4,2');
  assert(boPixel === null || near(boPixel, FOG_RGB), `Bo's 4,2 should be fog, got ${boPixel}`);
  await shot(ctx.bo.page, 'dm-issue4-bo');
});

test('issue 4: the DM map marks private reveals; "view as" shows each player exactly', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 300);
  await page.waitForTimeout(200);
  // DM view: the published hex is not veiled (Ana sees it), a hidden one is.
  const hidden = await dmHexColour(page, '10,7');
  await dmShot('issue4-published');
  await page.selectOption('[data-testid=viewas-select]', { label: 'View as Ana' });
  await page.waitForSelector('[data-testid=viewas-banner]');
  await page.waitForTimeout(200);
  const anaView = await dmHexColour(page, '4,2');
  assert(!near(anaView, FOG_RGB, 6), `view as Ana: 4,2 drawn, got ${anaView}`);
  const anaFog = await dmHexColour(page, '10,7');
  assert(near(anaFog, FOG_RGB, 6), `view as Ana: 10,7 is opaque fog, got ${anaFog}`);
  assert(!near(hidden, FOG_RGB, 6), `DM view: 10,7 is veiled, not opaque fog (${hidden})`);
  await dmShot('viewas-ana');
  await page.selectOption('[data-testid=viewas-select]', { label: 'View as Bo' });
  await page.waitForTimeout(200);
  const boView = await dmHexColour(page, '4,2');
  assert(near(boView, FOG_RGB, 6), `view as Bo: 4,2 is fog, got ${boView}`);
  await dmShot('viewas-bo');
  await page.selectOption('[data-testid=viewas-select]', { label: 'DM view' });
  assert((await page.$('[data-testid=viewas-banner]')) === null, 'banner gone');
});

test('issue 5: painting during the session follows the broadcast mode and reaches only players who see the hex', async () => {
  const page = ctx.dm.page;
  // Terrain index in a page's store (255 = fog); the player pages and the DM page alike.
  const cellAt = (p, key, store = '__hexcrawl') =>
    p.evaluate(([key, store]) => {
      const d = store === '__hexcrawl' ? window.__hexcrawl.store.getState().data : window.__hexcrawlDm.conn.store.getState().data;
      const [c, r] = key.split(',').map(Number);
      return d.cells[r * d.map.width + c];
    }, [key, store]);
  const DESERT = 6;
  const WATER = 7;
  const [staged, now, hidden] = ['3,2', '5,2', '13,0'];
  assert(ctx.published.includes(staged) && ctx.published.includes(now), `Ana sees ${staged} and ${now}: ${ctx.published}`);
  const anaBefore = await cellAt(ctx.ana.page, staged);
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await page.click('[data-testid=terrain-desert]');
  // Staged mode: the paint waits in the staged list (drawn as a preview for the DM only).
  await clickHex(page, staged);
  await clickHex(page, hidden);
  const s = await dmWaitUntil(page, (s) => s.pending === 0 && s.staged.filter((x) => x.kind === 'update').length === 2, 'both paints staged');
  const updates = s.staged.filter((x) => x.kind === 'update').flatMap((x) => x.changes.map((c) => `${c.key}:${c.terrain}`));
  eq(updates, [`${staged}:desert`, `${hidden}:desert`], 'staged updates');
  eq(await cellAt(page, staged, 'dm'), anaBefore, 'the published map is unchanged until publish');
  await page.waitForTimeout(300);
  eq(await cellAt(ctx.ana.page, staged), anaBefore, 'Ana: not before publish');
  await page.click('[data-testid=publish]');
  const [hc, hr] = hidden.split(',').map(Number);
  await dmWaitUntil(page, (s) => s.staged.length === 0 && s.cells[hr * s.map.width + hc] === DESERT, 'published: the hidden hex painted');
  await ctx.ana.page.waitForFunction((k) => {
    const d = window.__hexcrawl.store.getState().data;
    const [c, r] = k.split(',').map(Number);
    return d.cells[r * d.map.width + c] === 6;
  }, staged);
  // Immediate mode: straight to the players who see the hex.
  await page.click('[data-testid=mode-immediate]');
  await dmWaitUntil(page, (s) => s.mode === 'immediate', 'immediate');
  await page.click('[data-testid=terrain-water]');
  await clickHex(page, now);
  await ctx.ana.page.waitForFunction((k) => {
    const d = window.__hexcrawl.store.getState().data;
    const [c, r] = k.split(',').map(Number);
    return d.cells[r * d.map.width + c] === 7;
  }, now);
  // The hub sends the DM's echo and Ana's update together, on two sockets: either may land first.
  const [nc, nr] = now.split(',').map(Number);
  await dmWaitUntil(page, (s) => s.cells[nr * s.map.width + nc] === WATER, 'DM: painted at once');
  // Nobody but Ana saw any of it: Bo's map is still all fog, and Ana never got the hidden hex.
  eq((await summary(ctx.bo.page)).visible, [], 'Bo sees nothing');
  eq(await cellAt(ctx.ana.page, hidden), 255, 'Ana: the hidden hex is still fog');
  // Back to staged mode and the reveal tool for the next steps.
  await page.click('[data-testid=mode-staged]');
  await dmWaitUntil(page, (s) => s.mode === 'staged', 'staged again');
  await page.keyboard.press('r');
});

test('issue 4: a large reveal asks first; cancelling sends nothing', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=target-all]');
  for (let i = 0; i < 4; i++) await page.keyboard.press(']'); // brush 5 = 61 hexes
  eq(await page.textContent('[data-testid=brush-size]'), '5', 'brush size');
  await clickHex(page, '7,5');
  await page.waitForSelector('[data-testid=confirm-large]');
  const text = await page.textContent('[data-testid=confirm-large]');
  assert(/Reveal \d+ hexes\?/.test(text) && /everyone/.test(text), `confirmation text: ${text}`);
  await dmShot('confirm-large');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  eq((await dmSummary(page)).staged.length, 0, 'nothing staged after cancel');
  // Confirming stages it; undo it from the staged list again.
  await clickHex(page, '7,5');
  await page.click('[data-testid=confirm-large] [data-testid=confirm-ok]');
  const s = await dmWaitUntil(page, (s) => s.staged.length === 1, 'large reveal staged');
  assert(s.staged[0].hexKeys.length > 50 && s.staged[0].targets === 'all', 'large reveal to all');
  await dmShot('staged-large');
  await page.click('[data-testid=staged-undo]');
  await dmWaitUntil(page, (s) => s.staged.length === 0, 'undone');
  for (let i = 0; i < 4; i++) await page.keyboard.press('[');
});

test('issue 4: move the party, publish, hide; ending asks for confirmation', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('t');
  await clickHex(page, '4,2');
  await dmWaitUntil(page, (s) => s.staged.some((x) => x.kind === 'place' && x.key === '4,2'), 'party placement staged');
  await page.click('[data-testid=publish]');
  // Both are in the default party: a player always sees where their own party stands.
  await waitUntil(ctx.ana.page, (s) => s.token === '4,2', 'Ana sees the party');
  await waitUntil(ctx.bo.page, (s) => s.token === '4,2', 'Bo sees his party too');
  // Immediate mode: hide 2,2 from Ana at once.
  await page.click('[data-testid=mode-immediate]');
  await dmWaitUntil(page, (s) => s.mode === 'immediate', 'immediate');
  await page.keyboard.press('h');
  await clickHex(page, '2,2');
  await waitUntil(ctx.ana.page, (s) => !s.visible.includes('2,2'), 'Ana lost 2,2');
  await page.click('[data-testid=session-end]');
  await page.waitForSelector('[data-testid=confirm-end]');
  await page.keyboard.press('Escape');
  eq((await dmSummary(page)).status, 'active', 'cancel keeps it active');
  await page.click('[data-testid=session-end]');
  await page.click('[data-testid=confirm-end] [data-testid=confirm-ok]');
  await dmWaitUntil(page, (s) => s.status === 'ended', 'ended');
  await waitUntil(ctx.ana.page, (s) => s.status === 'ended', 'Ana sees ended');
});

test('players panel: invite shows a code, a join URL and a QR code; revoke asks first', async () => {
  const page = ctx.dm.page;
  // The panel shows the campaign's current code; the dialog shows the same one, with its QR
  // code and links, rather than making another.
  const before = await hub.api('GET', `/api/campaigns/${ctx.camp.id}/invites`);
  await page.waitForSelector('[data-testid=join-code]');
  const shown = await page.getAttribute('[data-testid=join-code]', 'data-code');
  assert(before.some((i) => i.code === shown), `panel code ${shown} is one of ${before.map((i) => i.code)}`);
  await page.click('[data-testid=invite-open]');
  await page.waitForSelector('[data-testid=invite-qr] svg');
  const code = await page.getAttribute('[data-testid=invite-code]', 'data-code');
  eq(code, shown, 'the dialog shows the code from the panel');
  eq((await hub.api('GET', `/api/campaigns/${ctx.camp.id}/invites`)).length, before.length, 'no new invite made');
  const urls = await page.$$eval('[data-testid=invite-url]', (els) => els.map((e) => e.textContent));
  assert(/^[A-Z0-9]{6,}$/.test(code), `invite code ${code}`);
  assert(urls.length >= 1 && urls.every((u) => u.endsWith(`/join/${code}`)), `join urls ${urls}`);
  await dmShot('invite');
  // The code really works: a third player joins with it and appears in the panel.
  const cy = await newContext({ width: 900, height: 700 });
  await joinViaLink(cy.page, hub.url, code, 'Cy');
  await page.click('[data-testid=invite-close]');
  await page.waitForSelector('[data-testid=player-row][data-player=Cy][data-online=true]');
  // Remove Cy: confirmation, then the hub closes Cy's socket with 4004 and the table's code
  // changes at once (Cy saw the old one on the table).
  await page.click('[data-testid=player-row][data-player=Cy] [data-testid=player-revoke]');
  await page.waitForSelector('[data-testid=confirm-revoke]');
  eq(await page.isChecked('[data-testid=revoke-keep-code]'), false, 'the code changes unless the DM keeps it');
  await dmShot('confirm-revoke');
  await page.click('[data-testid=confirm-revoke] [data-testid=confirm-ok]');
  await cy.page.waitForSelector('[data-testid=removed]');
  await page.waitForSelector('[data-testid=player-row][data-player=Cy]', { state: 'detached' });
  await page.waitForFunction((old) => document.querySelector('[data-testid=join-code]')?.getAttribute('data-code') !== old, code);
  const fresh = await page.getAttribute('[data-testid=join-code]', 'data-code');
  eq((await hub.api('GET', `/api/campaigns/${ctx.camp.id}/invites`)).map((i) => i.code), [fresh], 'only the new code is left');
  await dmShot('new-code-after-remove');
  const members = await hub.api('GET', `/api/campaigns/${ctx.camp.id}/members`);
  eq(sorted(members.filter((m) => !m.revokedAt).map((m) => m.name)), ['Ana', 'Bo'], 'members after revoke');
  // Cy's browser, with the new code, is refused and told why.
  await cy.page.goto(`${hub.url}/join/${fresh}`);
  await cy.page.waitForSelector('[data-testid=join-name]');
  await cy.page.fill('[data-testid=join-name]', 'Cy again');
  await cy.page.click('[data-testid=join-submit]');
  const refusal = await cy.page.textContent('[data-testid=join-error]');
  assert(/removed you/.test(refusal), `Cy's rejoin: ${refusal}`);
  eq((await hub.api('GET', `/api/campaigns/${ctx.camp.id}/members`)).length, members.length, 'no seat for Cy again');
  await cy.c.close();
  ctx.joinCode = fresh;
});

test('players panel: offline players fold away and can be removed together, keeping the code', async () => {
  const page = ctx.dm.page;
  // Three players join with the new code and leave again.
  const guests = [];
  for (const name of ['Dee', 'Eve', 'Fay']) {
    const g = await newContext({ width: 900, height: 700 });
    await joinViaLink(g.page, hub.url, ctx.joinCode, name);
    guests.push(g);
  }
  await page.waitForSelector('[data-testid=player-row][data-player=Fay][data-online=true]');
  for (const g of guests) await g.c.close();
  await page.waitForSelector('[data-testid=players-offline] [data-testid=player-row][data-player=Fay]');
  eq(
    await page.$$eval('[data-testid=players-offline] [data-testid=player-row]', (els) => els.map((e) => e.getAttribute('data-player'))),
    ['Dee', 'Eve', 'Fay'],
    'the offline players, folded apart from the online ones',
  );
  await dmShot('players-offline');
  await page.click('[data-testid=revoke-offline]');
  await page.waitForSelector('[data-testid=confirm-revoke]');
  await page.check('[data-testid=revoke-keep-code]');
  await page.click('[data-testid=confirm-revoke] [data-testid=confirm-ok]');
  await page.waitForSelector('[data-testid=players-offline]', { state: 'detached' });
  const members = await hub.api('GET', `/api/campaigns/${ctx.camp.id}/members`);
  eq(sorted(members.filter((m) => !m.revokedAt).map((m) => m.name)), ['Ana', 'Bo'], 'members after removing the offline ones');
  eq(await page.getAttribute('[data-testid=join-code]', 'data-code'), ctx.joinCode, 'the code was kept, as asked');
});

test('backups: the console says where they are and makes one on request; a disk problem shows a red bar', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=backups-open]');
  await page.waitForSelector('[data-testid=backups-dir]');
  eq(await page.textContent('[data-testid=backups-dir]'), join(dir, 'backups'), 'the backups folder beside the data file');
  const before = await page.$$eval('[data-testid=backup-row]', (els) => els.length);
  await page.click('[data-testid=backup-now]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=backup-row]').length === n + 1, before);
  await dmShot('backups');
  await page.click('[data-testid=backups-close]');
  // The hub's storage:status, as a full disk sends it (hub tests make a real one: fulldisk_test.go).
  const problem = 'The disk is full: new changes cannot be saved and are refused. Free some space; nothing already saved is lost.';
  await page.evaluate((p) => {
    const h = window.__hexcrawlDm;
    h.store.getState().received(h.conn, { type: 'storage:status', saving: false, problem: p });
  }, problem);
  await page.waitForSelector('[data-testid=storage-banner]');
  assert((await page.textContent('[data-testid=storage-banner]')).includes('disk is full'), 'the banner says why');
  eq(await page.getAttribute('[data-testid=save-state]', 'data-disk'), 'problem', 'the status line too');
  await dmShot('storage-banner');
  await page.evaluate(() => {
    const h = window.__hexcrawlDm;
    h.store.getState().received(h.conn, { type: 'storage:status', saving: false, problem: null });
  });
  await page.waitForSelector('[data-testid=storage-banner]', { state: 'detached' });
});

// ------------------------------------------------------------------ issue 5

test('issue 5: create a campaign and a pointy map from the menus', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-new]');
  await page.fill('[data-testid=prompt-input]', 'Issue Five');
  await page.click('[data-testid=prompt-ok]');
  await page.waitForFunction(() => document.querySelector('[data-testid=campaign-name]')?.textContent === 'Issue Five');
  await waitForDm(page);
  await page.waitForSelector('text=No map yet');
  await page.click('[data-testid=map-menu]');
  await page.click('[data-testid=map-new]');
  await page.fill('[data-testid=map-name-input]', 'Wilds');
  await page.fill('[data-testid=map-width]', '12');
  await page.fill('[data-testid=map-height]', '9');
  await page.click('[data-testid=map-pointy]');
  await dmShot('new-map');
  await page.click('[data-testid=map-create]');
  const s = await dmWaitUntil(page, (s) => s.map?.name === 'Wilds', 'map created and active');
  eq([s.map.width, s.map.height, s.map.orientation], [12, 9, 'pointy'], 'map size');
  ctx.camp5 = s.campaign;
  ctx.map5 = s.map;
});

const apiMap = () => hub.api('GET', `/api/maps/${ctx.map5.id}`);
const at = (grid, key) => {
  const [c, r] = key.split(',').map(Number);
  return grid[r * 12 + c];
};

test('issue 5: paint by dragging, flood fill, label and notes', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('b');
  await page.click('[data-testid=terrain-forest]');
  await dragHexes(page, '0,4', '11,4', 16); // a whole row: it splits the (pointy) map in two
  await dmWaitUntil(page, (s) => s.pending === 0 && s.history.undo === 1, 'stroke saved');
  const stroke = await page.evaluate(() => window.__hexcrawlDm.conn.editor.history.peekUndo().edits.map((e) => e.key));
  eq(sorted(stroke), sorted(Array.from({ length: 12 }, (_, c) => `${c},4`)), 'the stroke covers row 4');
  let m = await apiMap();
  for (const k of stroke) eq(at(m.grid, k), 'f', `hub has forest at ${k}`);
  eq(m.grid.split('').filter((c) => c === 'f').length, stroke.length, 'only the stroke is forest');
  ctx.stroke = sorted(stroke);

  // Fill the unpainted area above the stroke with water (the stroke splits the map in two).
  await page.keyboard.press('7'); // water
  await page.keyboard.press('f');
  await clickHex(page, '5,1');
  await dmWaitUntil(page, (s) => s.pending === 0 && s.history.undo === 2, 'fill saved');
  m = await apiMap();
  eq(at(m.grid, '5,1'), 'w', 'filled hex');
  eq(at(m.grid, '0,0'), 'w', 'fill reached the corner');
  eq(m.grid.slice(0, 48), 'w'.repeat(48), 'rows 0-3 filled');
  eq(m.grid.slice(60), '.'.repeat(48), 'rows 5-8 (beyond the stroke) untouched');
  ctx.gridAfterFill = m.grid;

  // Select a hex, label it and write notes.
  await page.keyboard.press('s');
  await clickHex(page, '5,6');
  await page.fill('[data-testid=hex-label]', 'Old Mill');
  await page.press('[data-testid=hex-label]', 'Enter');
  await page.fill('[data-testid=hex-notes]', 'bandits in the loft');
  await page.click('[data-testid=hex-panel] h3'); // blur saves the notes
  const s = await dmWaitUntil(page, (s) => s.labels['5,6'] === 'Old Mill' && s.notes['5,6'] === 'bandits in the loft' && s.pending === 0, 'label and notes saved');
  m = await apiMap();
  eq(m.labels['5,6'], 'Old Mill', 'hub label');
  eq(m.notes['5,6'], 'bandits in the loft', 'hub notes');
  eq(s.history.undo, 4, 'four gestures in the history');
  await page.mouse.move(5, 300);
  await dmShot('issue5-painted');
});

test('issue 5: undo and redo (keys and buttons) reach the hub', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=dm-console] .dm-stage', { position: { x: 400, y: 5 } }).catch(() => {});
  await page.locator('[data-testid=hexmap]').focus();
  await page.keyboard.press('Control+z'); // notes
  await page.keyboard.press('Control+z'); // label
  await page.click('[data-testid=undo]'); // fill
  await dmWaitUntil(page, (s) => s.pending === 0 && s.history.undo === 1 && s.history.redo === 3, 'three undone');
  let m = await apiMap();
  eq(m.labels['5,6'], undefined, 'label undone');
  eq(m.notes['5,6'], undefined, 'notes undone');
  eq(m.grid.split('').filter((c) => c === 'w').length, 0, 'fill undone');
  eq(m.grid.split('').filter((c) => c === 'f').length, ctx.stroke.length, 'stroke still there');
  await dmShot('issue5-undone');
  await page.keyboard.press('Control+Shift+z'); // fill
  await page.click('[data-testid=redo]'); // label
  await dmWaitUntil(page, (s) => s.pending === 0 && s.history.undo === 3 && s.history.redo === 1, 'two redone');
  m = await apiMap();
  eq(m.grid, ctx.gridAfterFill, 'fill redone: the grid as after the fill');
  eq(m.labels['5,6'], 'Old Mill', 'label redone');
  eq(m.notes['5,6'], undefined, 'notes still undone');
  ctx.finalGrid = m.grid;
});

test('issue 5: reload finds the map as it was left', async () => {
  const page = ctx.dm.page;
  await page.reload();
  await waitForDm(page);
  const s = await dmWaitUntil(page, (s) => s.map?.id === ctx.map5.id, 'same campaign and map after reload');
  eq(s.campaign.name, 'Issue Five', 'campaign remembered');
  const codes = '.pfhmsdwctjvr';
  eq(s.cells.map((c) => codes[c]).join(''), ctx.finalGrid, 'grid');
  eq(s.labels, { '5,6': 'Old Mill' }, 'labels');
  eq(s.notes, {}, 'notes');
  await page.mouse.move(5, 300);
  await page.waitForTimeout(200);
  // Drawn: nobody sees this map, so every hex is under the DM's veil.
  const f = await dmHexColour(page, ctx.stroke[3]);
  assert(near(f, blend(FOG_RGB, colour('forest'), VEIL), 10), `forest hex drawn veiled: ${f}`);
  const w = await dmHexColour(page, '0,0');
  assert(near(w, blend(FOG_RGB, colour('water'), VEIL), 10), `water hex drawn veiled: ${w}`);
  // V (or the legend) turns the veil off for plain editing, and on again.
  await page.keyboard.press('v');
  await page.waitForTimeout(150);
  const plain = await dmHexColour(page, ctx.stroke[3]);
  assert(near(plain, colour('forest'), 8), `veil off: forest drawn as is: ${plain}`);
  await page.click('[data-testid=veil-toggle]');
  await page.waitForTimeout(150);
  assert(near(await dmHexColour(page, ctx.stroke[3]), blend(FOG_RGB, colour('forest'), VEIL), 10), 'veil back on');
  // Notes typed and left without Enter or blur are saved when another hex is picked on the map.
  await page.keyboard.press('s');
  await clickHex(page, '2,6');
  await page.fill('[data-testid=hex-notes]', 'draft kept');
  await clickHex(page, '3,6');
  await page.waitForFunction(() => document.querySelector('[data-testid=hex-panel] h3')?.textContent === 'Hex 3,6');
  await dmWaitUntil(page, (s) => s.notes['2,6'] === 'draft kept' && s.pending === 0, 'draft notes saved for 2,6');
  eq((await apiMap()).notes['2,6'], 'draft kept', 'hub has the draft notes');
  eq(await page.inputValue('[data-testid=hex-notes]'), '', 'the new hex shows its own (empty) notes');
  await dmShot('issue5-reloaded');
});

test('issue 5: zoom and pan (wheel, right-drag, Space+drag, Home) move the view and paint nothing', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('b'); // the brush: a left drag would paint, so panning must not
  const view = () => page.evaluate(() => window.__hexcrawlDm.map().renderer().getView());
  const before = await dmSummary(page);
  const v0 = await view();
  const p = await hexPoint(page, '6,4');
  await page.mouse.move(p.x, p.y);
  await page.mouse.wheel(0, -300);
  await page.waitForTimeout(200);
  const v1 = await view();
  assert(v1.scale > v0.scale * 1.2, `wheel up zooms in: ${v0.scale} → ${v1.scale}`);
  const q = await hexPoint(page, '6,4');
  assert(Math.hypot(q.x - p.x, q.y - p.y) < 3, `the hex under the pointer stays put: ${JSON.stringify([p, q])}`);
  // Right-drag pans.
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(p.x - 120, p.y - 40, { steps: 6 });
  await page.mouse.up({ button: 'right' });
  const v2 = await view();
  assert(Math.abs(v2.x - v1.x + 120) < 4 && Math.abs(v2.y - v1.y + 40) < 4, `right-drag pans by the drag: ${JSON.stringify([v1, v2])}`);
  // Space + left drag pans too.
  await page.keyboard.down('Space');
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  await page.mouse.move(p.x + 60, p.y, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up('Space');
  const v3 = await view();
  assert(Math.abs(v3.x - v2.x - 60) < 4, `Space+drag pans: ${v2.x} → ${v3.x}`);
  await page.waitForTimeout(300);
  const after = await dmSummary(page);
  eq(after.cells, before.cells, 'nothing painted by zooming or panning');
  eq(after.history, before.history, 'nothing in the undo history');
  // Home fits the whole map again.
  await page.locator('[data-testid=hexmap]').focus();
  await page.keyboard.press('Home');
  await page.waitForTimeout(100);
  const v4 = await view();
  assert(Math.abs(v4.scale - v0.scale) < 0.01 * v0.scale, `Home fits again: ${v0.scale} vs ${v4.scale}`);
});

test('issue 5: nothing is lost on a crash: the hub killed right after "All changes saved" has every hex', async () => {
  const page = ctx.dm.page;
  await page.keyboard.press('b');
  await page.click('[data-testid=terrain-tundra]');
  await dragHexes(page, '1,8', '9,8');
  await page.waitForSelector('[data-testid=save-state][data-saving=false]');
  eq(await page.textContent('[data-testid=save-state]'), 'All changes saved', 'status line after the stroke');
  const painted = (await page.evaluate(() => window.__hexcrawlDm.conn.editor.history.peekUndo()?.edits.map((e) => e.key))) ?? [];
  assert(painted.length >= 8 && painted.every((k) => !ctx.stroke.includes(k) && k !== '5,6'), `stroke on row 8: ${painted}`);
  // No shutdown, no flush: SIGKILL the moment the console says everything is saved.
  hub.proc.kill('SIGKILL');
  await hub.exited;
  await hub.start();
  const m = await apiMap();
  for (const k of painted) eq(at(m.grid, k), 't', `after the crash the hub has tundra at ${k}`);
  // The console reconnects by itself and shows the same map.
  const s = await dmWaitUntil(page, (s) => s.connection === 'open' && painted.every((k) => s.cells[Number(k.split(',')[1]) * 12 + Number(k.split(',')[0])] === 9), 'reconnected with the stroke', 15000);
  eq(s.map.id, ctx.map5.id, 'same map after the restart');
  ctx.finalGrid = m.grid;
});

test('maps: rename and resize keep the painted hexes', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=map-menu]');
  await page.click('[data-testid=map-resize]');
  await page.fill('[data-testid=resize-width]', '15');
  await page.fill('[data-testid=resize-height]', '10');
  await page.click('[data-testid=resize-ok]');
  const s = await dmWaitUntil(page, (s) => s.map?.width === 15 && s.map?.height === 10, 'resized');
  const codes = '.pfhmsdwctjvr';
  for (const k of ctx.stroke) {
    const [c, r] = k.split(',').map(Number);
    eq(codes[s.cells[r * 15 + c]], 'f', `forest kept at ${k}`);
  }
  eq(s.labels['5,6'], 'Old Mill', 'label kept');
  await page.click('[data-testid=map-menu]');
  await page.click('[data-testid=map-rename]');
  await page.fill('[data-testid=prompt-input]', 'Wilds (big)');
  await page.click('[data-testid=prompt-ok]');
  await dmWaitUntil(page, (s) => s.map?.name === 'Wilds (big)', 'renamed');
  await dmShot('resized');
});

test('campaigns: export to a file, refused imports say why, import restores it', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=campaign-menu]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=campaign-export]')]);
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  eq(download.suggestedFilename(), 'Issue-Five.hexcrawl.json', 'file name');
  const file = JSON.parse(readFileSync(path, 'utf8'));
  eq(file.format, 'hexcrawl-campaign', 'file format');
  const count = async () => (await hub.api('GET', '/api/campaigns')).length;
  const before = await count();

  // The campaign is still here: the hub refuses a second copy and the console shows its message.
  await page.setInputFiles('[data-testid=import-file]', path);
  let err = await page.waitForSelector('[data-testid=toast][data-tone=error]');
  const conflict = await err.textContent();
  assert(conflict.length > 10, `conflict message: ${conflict}`);
  await dmShot('import-conflict');
  // A damaged file: refused too, with the hub's reason; nothing half-imported.
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, readFileSync(path, 'utf8').slice(0, 200));
  await page.click('[data-testid=toast]').catch(() => {});
  await page.waitForSelector('[data-testid=toast][data-tone=error]', { state: 'detached', timeout: 10000 });
  await page.setInputFiles('[data-testid=import-file]', bad);
  err = await page.waitForSelector('[data-testid=toast][data-tone=error]');
  const damaged = await err.textContent();
  assert(damaged !== conflict && damaged.length > 10, `damaged-file message: ${damaged}`);
  eq(await count(), before, 'nothing imported');

  // Lost it (deleted): importing the file brings it back as it was.
  await hub.api('DELETE', `/api/campaigns/${ctx.camp5.id}`);
  await page.reload();
  await waitForDm(page);
  await page.setInputFiles('[data-testid=import-file]', path);
  await page.waitForSelector('[data-testid=toast][data-tone=ok]:has-text("Imported")');
  const s = await dmWaitUntil(page, (s) => s.map?.name === 'Wilds (big)', 'restored campaign open');
  eq(s.campaign.name, 'Issue Five', 'restored campaign');
  eq(s.labels['5,6'], 'Old Mill', 'restored label');
  eq(await count(), before, 'the campaign is back');
});

test('campaigns: switch back, rename, delete with confirmation', async () => {
  const page = ctx.dm.page;
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-item]:has-text("Issue Four")');
  await dmWaitUntil(page, (s) => s.campaign.name === 'Issue Four', 'switched back');
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-item]:has-text("Issue Five")');
  await dmWaitUntil(page, (s) => s.campaign.name === 'Issue Five', 'switched again');
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-rename]');
  await page.fill('[data-testid=prompt-input]', 'Issue Five (old)');
  await page.click('[data-testid=prompt-ok]');
  await dmWaitUntil(page, (s) => s.campaign.name === 'Issue Five (old)', 'renamed');
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-delete]');
  await page.waitForSelector('[data-testid=confirm-delete-campaign]');
  await dmShot('confirm-delete');
  await page.click('[data-testid=confirm-delete-campaign] [data-testid=confirm-ok]');
  await dmWaitUntil(page, (s) => s.campaign.name !== 'Issue Five (old)', 'on a remaining campaign');
  const list = await hub.api('GET', '/api/campaigns');
  eq(sorted(list.map((c) => c.name)), ['Issue Four', 'The Fenlands (demo)'], 'campaigns after delete');
  // A remembered campaign deleted elsewhere (another window, the API): the console opens it on a
  // guess, learns it is gone, and lands on one that exists, without an error screen.
  await page.evaluate((id) => localStorage.setItem('hexcrawl.dmCampaign', id), ctx.camp5.id);
  await page.reload();
  await waitForDm(page);
  const s = await dmWaitUntil(page, (s) => list.some((c) => c.id === s.campaign.id) && s.connection === 'open', 'on an existing campaign');
  assert(s.campaign.id !== ctx.camp5.id, 'not the deleted one');
  assert((await page.$('[data-testid=dm-console]')) !== null, 'the console is shown');
});

test('desktop bindings: credentials, save, open and links go through window.go.app.App', async () => {
  // Chromium cannot host the Wails window (scripts/desktop-smoke.sh runs the real one); here the
  // four bindings the window injects are stood in by page functions, to check that the console
  // uses them: no token in the URL or localStorage, the socket dialled at wsUrl, export and import
  // through the native file dialogs, join links opened in the system browser.
  const { c, page } = await newContext({ width: 1280, height: 800 });
  const exported = join(dir, 'desktop-export.json');
  await page.exposeFunction('__saveFile', (name, text) => (writeFileSync(exported, text), `/home/dm/${name}`));
  await page.exposeFunction('__openFile', () => readFileSync(exported, 'utf8'));
  const wsUrl = hub.url.replace('http', 'ws') + '/ws';
  await page.addInitScript(([token, hubUrl, wsUrl]) => {
    window.go = {
      app: {
        App: {
          DMCredentials: async () => ((window.__credCalls = (window.__credCalls ?? 0) + 1), { hubUrl, wsUrl, token }),
          OpenURL: async (u) => void (window.__opened = [...(window.__opened ?? []), u]),
          SaveCampaignFile: (name, text) => window.__saveFile(name, text),
          OpenCampaignFile: () => window.__openFile(),
        },
      },
    };
  }, [hub.token, hub.url, wsUrl]);
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(hub.url + '/dm');
  await waitForDm(page);
  // Nothing else could have supplied the token: no fragment, nothing stored, no form filled.
  assert((await page.evaluate(() => window.__credCalls)) >= 1, 'DMCredentials was asked');
  eq(await page.evaluate(() => localStorage.getItem('hexcrawl.dmToken')), null, 'no token stored in the window');
  assert(sockets.length > 0 && sockets.every((u) => u.startsWith(wsUrl + '?campaignId=')), `socket dialled at wsUrl: ${sockets}`);
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-export]');
  await page.waitForSelector('[data-testid=toast]:has-text("Saved to /home/dm/")');
  eq(JSON.parse(readFileSync(exported, 'utf8')).format, 'hexcrawl-campaign', 'saved through SaveCampaignFile');
  await page.click('[data-testid=campaign-menu]');
  await page.click('[data-testid=campaign-import]');
  await page.waitForSelector('[data-testid=toast][data-tone=error]'); // the campaign is still here: conflict
  await shot(page, 'dm-desktop-bindings');
  // A join link opens in the system browser (OpenURL), not in the window.
  await page.click('[data-testid=invite-open]');
  await page.waitForSelector('[data-testid=invite-url]');
  const link = await page.textContent('[data-testid=invite-url]');
  await page.click('[data-testid=invite-url-open]');
  await page.waitForFunction(() => (window.__opened ?? []).length > 0);
  eq(await page.evaluate(() => window.__opened), [link], 'OpenURL got the join link');
  eq(new URL(page.url()).pathname, '/dm', 'the window still shows the console');
  await c.close();
});
