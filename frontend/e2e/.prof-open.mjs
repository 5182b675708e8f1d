import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launch } from './lib/browser.mjs';
import { Hub, freePort, randomToken } from './lib/hub.mjs';
const SIZE = 200;
const dir = mkdtempSync(join(tmpdir(), 'hexcrawl-prof-'));
const hub = new Hub({ bin: resolve('../hexcrawl'), port: await freePort(), db: join(dir, 'h.db'), token: randomToken() });
await hub.start();
const camp = await hub.api('POST', '/api/campaigns', { name: 'Bench' });
const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Huge', width: SIZE, height: SIZE, orientation: 'flat' });
const T = ['plains', 'forest', 'hills', 'mountains', 'swamp', 'desert', 'water', 'coast', 'tundra', 'jungle', 'settlement', 'ruins'];
const reveal = [];
for (let r0 = 0; r0 < SIZE; r0 += 50) {
  const changes = [];
  for (let r = r0; r < Math.min(SIZE, r0 + 50); r++) for (let q = 0; q < SIZE; q++) {
    const i = r * SIZE + q;
    const c = { key: `${q},${r}`, terrain: T[(q * 7 + r * 3 + ((q * r) % 5)) % T.length] };
    if (i % 11 === 0) c.label = `Place ${i}`;
    changes.push(c);
    if (q < SIZE / 3) reveal.push(c.key);
  }
  await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
}
const dm = await hub.dm(camp.id);
await dm.send({ type: 'session:start' }, 'session:statusChanged');
await dm.send({ type: 'hex:reveal', hexKeys: reveal, targets: 'all' }, 'hex:revealed');
dm.close();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
await context.addInitScript(([token, id]) => { localStorage.setItem('hexcrawl.dmToken', token); localStorage.setItem('hexcrawl.dmCampaign', id); }, [hub.token, camp.id]);
const agg = new Map();
const RUNS = Number(process.env.RUNS ?? 4);
for (let run = 0; run < RUNS; run++) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(hub.url + '/dm');
  await page.waitForFunction(() => performance.getEntriesByName('hexcrawl:first-map').length > 0);
  const { profile } = await cdp.send('Profiler.stop');
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name.slice(9), m.startTime])));
  console.log('parse', await page.evaluate(() => window.__hexcrawlDm.conn.socket.lastParseMs), 'ws', await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/ws')).map((r) => r.startTime + '-' + r.responseEnd)));
  const origin = await page.evaluate(() => performance.timeOrigin * 1000);
  // profile times are in µs of a monotonic clock; align via the last sample ≈ first-map
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let t = profile.startTime;
  const times = profile.samples.map((_, i) => (t += profile.timeDeltas[i] ?? 0));
  const end = profile.endTime;
  // window: from the last `from` ms before the end
  const from = (marks[process.env.FROM ?? 'dm-state-applied'] - marks['first-map']) * 1000 + end;
  profile.samples.forEach((id, i) => {
    if (times[i] < from) return;
    // attribute to the top-most frame of our code (inclusive) by walking up
    let n = byId.get(id);
    const self = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
    agg.set(self, (agg.get(self) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  console.log(Object.entries(marks).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' | '));
  await page.close();
}
console.log([...agg].sort((x, y) => y[1] - x[1]).slice(0, 30).map(([k, t]) => `  ${(t / 1000 / RUNS).toFixed(2)} ms ${k}`).join('\n'));
await browser.close();
await hub.stop();
