// Dev aid, not a test: renders the player view against a scripted hub (Playwright's route and
// routeWebSocket) so the UI can be looked at without the Go hub. Screenshots → e2e-artifacts/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch } from './lib/browser.mjs';
import { serveDist } from './lib/static.mjs';

const out = fileURLToPath(new URL('../e2e-artifacts/preview/', import.meta.url));
mkdirSync(out, { recursive: true });
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const srv = await serveDist(dist);
const browser = await launch();

const W = 30, H = 20;
const codes = '.pfhmsdwctjvr';
let grid = '';
for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
  const d = Math.hypot(c - 12, (r - 9) * 1.2);
  const t = codes[1 + ((c * 7 + r * 3 + (c * r) % 5) % 12)];
  grid += d < 7 ? t : '?';
}
const state = (over = {}) => ({
  type: 'session:state', seq: 10, role: 'player', you: { id: 'p1', name: 'Ana' },
  campaign: { id: 'c1', name: 'The Fenlands' }, session: { id: 's1', status: 'active' },
  broadcastMode: 'immediate', preparing: false,
  map: { id: 'm1', name: 'Fenlands', width: W, height: H, orientation: 'flat' }, grid,
  labels: { '12,9': 'Millbrook', '9,7': 'Old Mill', '15,11': 'Dragon Peak' }, token: '12,9',
  players: [{ id: 'p1', name: 'Ana', online: true }, { id: 'p2', name: 'Bo Jansen', online: true }, { id: 'p3', name: 'Cy', online: false }],
  ...over,
});

async function scene(name, viewport, over, after) {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: viewport.width < 500 ? 3 : 1 });
  const page = await ctx.newPage();
  page.on('console', (m) => console.log(`[${name}]`, m.text()));
  await page.route('**/api/me', (r) => r.fulfill({ json: { playerId: 'p1', campaignId: 'c1', name: 'Ana' } }));
  await page.route('**/api/hub', (r) => r.fulfill({ json: { name: 'Hexcrawl', version: 'dev', protocol: 1, campaigns: 1 } }));
  let ws;
  await page.routeWebSocket(/\/ws/, (w) => {
    ws = w;
    w.send(JSON.stringify(state(over)));
  });
  await page.goto(srv.url + '/');
  await page.waitForTimeout(400);
  if (after) await after(page, () => ws);
  await page.screenshot({ path: `${out}${name}.png` });
  await ctx.close();
}

await scene('desktop-active', { width: 1280, height: 800 }, {}, async (page) => {
  await page.mouse.move(640, 400);
  await page.waitForTimeout(100);
});
await scene('desktop-preparing', { width: 1280, height: 800 }, { preparing: true });
await scene('desktop-paused', { width: 1280, height: 800 }, { session: { id: 's1', status: 'paused' } });
await scene('desktop-ended', { width: 1280, height: 800 }, { session: { id: 's1', status: 'ended' } });
await scene('desktop-waiting', { width: 1280, height: 800 }, { session: null, map: null, grid: '', labels: {}, token: null });
await scene('desktop-banner', { width: 1280, height: 800 }, {}, async (page, ws) => {
  await ws().close({ code: 1001, reason: 'going away' });
  await page.waitForTimeout(300);
});
await scene('phone-active', { width: 390, height: 844 }, {}, async (page) => {
  await page.mouse.click(195, 500);
  await page.waitForTimeout(200);
});
await scene('phone-players', { width: 390, height: 844 }, {}, async (page) => {
  await page.click('[data-testid=players-button]');
  await page.waitForTimeout(200);
});
await scene('phone-banner', { width: 390, height: 844 }, { preparing: true }, async (page, ws) => {
  await ws().close({ code: 1001, reason: 'going away' });
  await page.waitForTimeout(300);
});

// join screen
{
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
  const page = await ctx.newPage();
  await page.route('**/api/me', (r) => r.fulfill({ status: 401, json: { error: { code: 'unauthorized', message: 'no' } } }));
  await page.route('**/api/hub', (r) => r.fulfill({ json: { name: 'Hexcrawl', version: 'dev', protocol: 1, campaigns: 1 } }));
  await page.route('**/api/join', (r) => r.fulfill({ status: 410, json: { error: { code: 'expired', message: 'invite expired' } } }));
  await page.goto(srv.url + '/join/K7Q2MX');
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${out}phone-join.png` });
  await page.fill('[data-testid=join-name]', 'Ana');
  await page.click('[data-testid=join-submit]');
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${out}phone-join-expired.png` });
  await ctx.close();
}
await browser.close();
srv.close();
console.log('screenshots in', out);
