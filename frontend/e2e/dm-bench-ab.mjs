// Benchmark (not a test): interleaved A/B of the DM console's open (navigation → first frame
// with hexes) between two hexcrawl binaries, e.g. main and a branch. Both hubs run at once with
// the same 200×200 campaign (benchCampaign); page loads alternate A, B, B, A … so machine load
// hits both alike, and each pair is compared.
// Usage: BENCH_A=/path/hexcrawl-main BENCH_B=../hexcrawl node e2e/dm-bench-ab.mjs  (BENCH_PAIRS=n, BENCH_SIZE=n)
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { launch } from './lib/browser.mjs';
import { Hub, freePort, randomToken } from './lib/hub.mjs';
import { benchCampaign } from './dm-lib.mjs';

const bins = { A: process.env.BENCH_A, B: process.env.BENCH_B };
for (const [k, b] of Object.entries(bins)) if (!b || !existsSync(resolve(b))) throw new Error(`BENCH_${k}: no hub binary at ${b}`);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 20);
const SIZE = Number(process.env.BENCH_SIZE ?? 200);

const dir = mkdtempSync(join(tmpdir(), 'hexcrawl-dmbench-ab-'));
const sides = {};
for (const k of ['A', 'B']) {
  const hub = new Hub({ bin: resolve(bins[k]), port: await freePort(), db: join(dir, `${k}.db`), token: randomToken() });
  await hub.start();
  sides[k] = { hub, camp: await benchCampaign(hub, SIZE) };
}
const browser = await launch();
for (const s of Object.values(sides)) {
  s.context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await s.context.addInitScript(
    ([token, id]) => {
      localStorage.setItem('hexcrawl.dmToken', token);
      localStorage.setItem('hexcrawl.dmCampaign', id);
    },
    [s.hub.token, s.camp.id],
  );
}

const open = async (s) => {
  const page = await s.context.newPage();
  await page.goto(s.hub.url + '/dm');
  const t = await page.waitForFunction(() => performance.getEntriesByName('hexcrawl:first-map')[0]?.startTime ?? null, null, { timeout: 30000 });
  const ms = await t.jsonValue();
  await page.close();
  return ms;
};
const load0 = loadavg()[0];
await open(sides.A); // warm-up, not counted
await open(sides.B);
const res = { A: [], B: [] };
for (let i = 0; i < PAIRS; i++) {
  for (const k of i % 2 ? ['B', 'A'] : ['A', 'B']) res[k].push(await open(sides[k]));
}
const load1 = loadavg()[0];
await browser.close();
for (const s of Object.values(sides)) await s.hub.stop();
rmSync(dir, { recursive: true, force: true });

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
console.log(`Chromium ${browser.version()}, ${SIZE}×${SIZE} map, ${PAIRS} pairs, load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`);
for (const k of ['A', 'B']) {
  console.log(`${k} (${bins[k]}): open → first map median ${pct(res[k], 0.5).toFixed(0)} ms, p90 ${pct(res[k], 0.9).toFixed(0)} ms, min ${Math.min(...res[k]).toFixed(0)} ms`);
}
const wins = res.B.filter((b, i) => b < res.A[i]).length;
console.log(`B faster than A in ${wins} of ${PAIRS} pairs`);
