// Benchmark (not a test): the player view on a 100×100 map, fully revealed, in headless Chromium
// against the real hub. Measures navigation → first drawn map, and per-frame draw time and
// frame intervals while panning. Usage: npm run bench  (HEXCRAWL_BIN as for e2e; BENCH_RUNS=n;
// BENCH_MARKS=1 prints the boot timeline; BENCH_RAW=1 the samples; BENCH_PROFILE=1 uses a normal
// browser profile; BENCH_PAN=0 and BENCH_COOKIE_ONLY=0 skip those parts, for quick A/B runs)
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, launchWithProfile } from './lib/browser.mjs';
import { Hub, freePort, randomToken } from './lib/hub.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = resolve(process.env.HEXCRAWL_BIN ?? join(here, '../../hexcrawl'));
if (!existsSync(bin)) throw new Error(`no hub binary at ${bin}`);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const SIZE = Number(process.env.BENCH_SIZE ?? 100);

const dir = mkdtempSync(join(tmpdir(), 'hexcrawl-bench-'));
const hub = new Hub({ bin, port: await freePort(), db: join(dir, 'h.db'), token: randomToken() });
await hub.start();

// A 100×100 map with every terrain and a label every 7th hex, all revealed.
const camp = await hub.api('POST', '/api/campaigns', { name: 'Bench' });
const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Big', width: SIZE, height: SIZE, orientation: 'flat' });
const T = ['plains', 'forest', 'hills', 'mountains', 'swamp', 'desert', 'water', 'coast', 'tundra', 'jungle', 'settlement', 'ruins'];
const changes = [];
const keys = [];
for (let r = 0; r < SIZE; r++) {
  for (let q = 0; q < SIZE; q++) {
    const i = r * SIZE + q;
    const c = { key: `${q},${r}`, terrain: T[(q * 7 + r * 3 + ((q * r) % 5)) % T.length] };
    if (i % 7 === 0) c.label = `Place ${i}`;
    changes.push(c);
    keys.push(c.key);
  }
}
await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
const { code } = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
const dm = await hub.dm(camp.id);
await dm.send({ type: 'session:start' }, 'session:statusChanged');
await dm.send({ type: 'hex:reveal', hexKeys: keys, targets: 'all' }, 'hex:revealed');
await dm.placeParty('50,50');

// BENCH_PROFILE=1: a normal browser profile on disk, like a player's own browser, where Chromium
// reuses compiled code on later visits. Default: Playwright's incognito-like context, which never
// does: the pessimistic case, and the one earlier numbers were taken with.
const PROFILE = process.env.BENCH_PROFILE === '1';
const viewport = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const browser = PROFILE ? null : await launch();
const context = PROFILE ? await launchWithProfile(join(dir, 'profile'), viewport) : await browser.newContext(viewport);
// Join once (sets the cookie in this context).
{
  const r = await context.request.post(`${hub.url}/api/join`, { data: { code, name: 'Bench' } });
  if (!r.ok()) throw new Error(`join: ${r.status()}`);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x) => x.toFixed(1);

// 1. Navigation → first drawn map (fresh page each run; the first run warms the HTTP cache).
// "returning": the page remembers its seat (localStorage, as after any earlier visit) and opens
// the socket at once; "cookie only": that memory is wiped first, so /api/me must answer before
// the socket can start (a first visit after joining from another tab, or cleared site data).
const MARKS = ['hexcrawl:boot', 'hexcrawl:socket-start', 'hexcrawl:socket-open', 'hexcrawl:state-received', 'hexcrawl:state', 'hexcrawl:first-map'];
// Waits for a mark with one evaluate that resolves from a PerformanceObserver. Not
// page.waitForFunction: its polling runs Playwright's injected helper script in the page while
// the page boots, and that work would be counted.
function markTime(page, name) {
  return page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const seen = () => performance.getEntriesByName(name, 'mark')[0]?.startTime;
        if (seen() !== undefined) return resolve(seen());
        const obs = new PerformanceObserver(() => {
          if (seen() === undefined) return;
          obs.disconnect();
          resolve(seen());
        });
        obs.observe({ type: 'mark' });
        setTimeout(() => reject(new Error(`no ${name} within 20 s`)), 20000);
      }),
    name,
  );
}

// Renderer CPU time (s) from the DevTools Performance domain: ThreadTime is the main thread's,
// ProcessTime the whole renderer's (raster and compositor threads too). Machine load hardly
// changes them, unlike wall-clock time, so they settle A/B comparisons on a busy machine.
async function cpuTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function firstMaps(runs, { forgetSeat }) {
  const out = [];
  const timelines = [];
  const cpu = [];
  for (let i = 0; i < runs + 1; i++) {
    const page = await context.newPage();
    if (forgetSeat) await page.addInitScript(() => localStorage.removeItem('hexcrawl.seat'));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const before = await cpuTime(cdp);
    await page.goto(hub.url + '/');
    const ms = await markTime(page, 'hexcrawl:first-map');
    const after = await cpuTime(cdp);
    if (i > 0) {
      out.push(ms);
      cpu.push({ main: (after.ThreadTime - before.ThreadTime) * 1000, process: (after.ProcessTime - before.ProcessTime) * 1000 });
      timelines.push(
        await page.evaluate((names) => {
          const nav = performance.getEntriesByType('navigation')[0];
          const me = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/me'));
          const at = (n) => performance.getEntriesByName(n, 'mark')[0]?.startTime ?? null;
          return {
            'DOMContentLoaded': nav.domContentLoadedEventStart,
            '/api/me answered': me ? me.responseEnd : null,
            ...Object.fromEntries(names.map((n) => [n.replace('hexcrawl:', ''), at(n)])),
          };
        }, MARKS),
      );
    }
    await page.close();
  }
  return { samples: out, timelines, cpu };
}
const returning = await firstMaps(RUNS, { forgetSeat: false });
const cookieOnly = process.env.BENCH_COOKIE_ONLY === '0' ? null : await firstMaps(RUNS, { forgetSeat: true });

// 2. Frame times while panning (BENCH_PAN=0 skips them).
const PAN = process.env.BENCH_PAN !== '0';
const page = await context.newPage();
await page.goto(hub.url + '/');
await markTime(page, 'hexcrawl:first-map');
await page.waitForTimeout(300);

async function pan(label, scale) {
  await page.evaluate((scale) => {
    const h = window.__hexcrawl.map();
    const r = h.renderer();
    if (scale) {
      const { w, h: ht } = r.size();
      r.setView({ scale, x: w / 2 - 75 * scale, y: ht / 2 - 86 * scale });
    } else h.fit(false);
    h.redraw();
    // Record every draw's cost and the interval between animation frames.
    const draws = [];
    const orig = r.draw.bind(r);
    r.draw = (now) => {
      orig(now);
      draws.push({ ms: r.lastDrawMs, hexes: r.drawnHexes });
    };
    const frames = [];
    let last = performance.now();
    let on = true;
    const tick = (t) => {
      frames.push(t - last);
      last = t;
      if (on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__bench = { draws, frames, stop: () => { on = false; r.draw = orig; } };
  }, scale);
  // Drag across the map back and forth with real input events (~4 s).
  const cx = 640, cy = 420;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let k = 0; k < 240; k++) {
    const a = (k / 60) * Math.PI;
    await page.mouse.move(cx + Math.sin(a) * 300, cy + Math.cos(a) * 200);
  }
  await page.mouse.up();
  const res = await page.evaluate(() => {
    window.__bench.stop();
    return { draws: window.__bench.draws, frames: window.__bench.frames.slice(2) };
  });
  const d = res.draws.map((x) => x.ms);
  return {
    label,
    frames: res.draws.length,
    hexes: Math.round(res.draws.reduce((s, x) => s + x.hexes, 0) / Math.max(1, res.draws.length)),
    draw: { p50: pct(d, 50), p95: pct(d, 95), max: Math.max(...d) },
    interval: { p50: pct(res.frames, 50), p95: pct(res.frames, 95), max: Math.max(...res.frames) },
  };
}

const results = PAN ? [await pan('whole map fitted (all 10,000 hexes on screen)', 0), await pan('zoomed in (glyphs + labels drawn)', 30)] : [];

await (PROFILE ? context.close() : browser.close());
dm.close();
await hub.stop();
rmSync(dir, { recursive: true, force: true });

const ua = await (async () => {
  const b = await launch();
  const v = b.version();
  await b.close();
  return v;
})();
console.log(`Chromium ${ua}, 1280×800 @1x, ${SIZE}×${SIZE} map fully revealed, ${PROFILE ? 'normal profile' : 'incognito-like context'}`);
const median = (xs) => {
  const known = xs.filter((x) => x !== null);
  return known.length ? fmt(pct(known, 50)) : '–'; // a build without that mark
};
for (const [label, r] of [['returning player', returning], ['cookie only', cookieOnly]]) {
  if (!r) continue;
  const xs = r.samples;
  console.log(`first drawn map after navigation, ${label} (${RUNS} runs): p50 ${fmt(pct(xs, 50))} ms, min ${fmt(Math.min(...xs))} ms, max ${fmt(Math.max(...xs))} ms`);
  if (process.env.BENCH_MARKS) {
    const steps = Object.keys(r.timelines[0]);
    console.log('  boot timeline, median ms after navigation: ' + steps.map((k) => `${k} ${median(r.timelines.map((t) => t[k]))}`).join(', '));
    console.log(`  renderer CPU until then, median: main thread ${median(r.cpu.map((c) => c.main))} ms, whole process ${median(r.cpu.map((c) => c.process))} ms`);
  }
  if (process.env.BENCH_RAW) {
    console.log(`  samples ${label}: ${JSON.stringify(xs.map((x) => Math.round(x * 10) / 10))}`);
    console.log(`  cpu ${label}: ${JSON.stringify(r.cpu.map((c) => Math.round(c.main * 10) / 10))}`);
  }
}
for (const r of results) {
  console.log(
    `pan, ${r.label}: ${r.frames} frames, ~${r.hexes} hexes/frame; draw p50 ${fmt(r.draw.p50)} ms, p95 ${fmt(r.draw.p95)} ms, max ${fmt(r.draw.max)} ms; frame interval p50 ${fmt(r.interval.p50)} ms, p95 ${fmt(r.interval.p95)} ms, max ${fmt(r.interval.max)} ms`,
  );
}
