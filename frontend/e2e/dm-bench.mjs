// Benchmark (not a test): the DM console on a 200×200 map (40,000 hexes) in headless Chromium
// against the real hub.
//   1. open: navigation → first frame with hexes drawn (fresh page per run; first run discarded)
//   2. brush: a 50-hex stroke made with real mouse events; for each pointermove, the time from the
//      event's timestamp to the end of the next canvas draw (the frame that shows the paint); for
//      each painted hex, from the pointer event that painted it to its hex:update leaving and to
//      the hub's hex:updated echo (saved: the hub echoes after its durable commit), all measured
//      in the page, so the test driver's own round trips are not counted.
// Usage: npm run bench:dm  (HEXCRAWL_BIN as for e2e; BENCH_RUNS=n, BENCH_SIZE=n, BENCH_MARKS=1 prints
// the boot timeline, BENCH_STROKES=0 skips the strokes)
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './lib/browser.mjs';
import { Hub, freePort, randomToken } from './lib/hub.mjs';
import { benchCampaign, hexPoint } from './dm-lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = resolve(process.env.HEXCRAWL_BIN ?? join(here, '../../hexcrawl'));
if (!existsSync(bin)) throw new Error(`no hub binary at ${bin}`);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SIZE = Number(process.env.BENCH_SIZE ?? 200);

const dir = mkdtempSync(join(tmpdir(), 'hexcrawl-dmbench-'));
const hub = new Hub({ bin, port: await freePort(), db: join(dir, 'h.db'), token: randomToken() });
await hub.start();

const camp = await benchCampaign(hub, SIZE);

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
await context.addInitScript(
  ([token, id]) => {
    localStorage.setItem('hexcrawl.dmToken', token);
    localStorage.setItem('hexcrawl.dmCampaign', id);
  },
  [hub.token, camp.id],
);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x) => x.toFixed(1);

// 1. Navigation → first drawn map.
const open = [];
for (let i = 0; i < RUNS + 1; i++) {
  const page = await context.newPage();
  await page.goto(hub.url + '/dm');
  const t = await page.waitForFunction(() => performance.getEntriesByName('hexcrawl:first-map')[0]?.startTime ?? null, null, { timeout: 30000 });
  const ms = await t.jsonValue();
  if (i > 0) open.push(ms);
  if (i > 0 && process.env.BENCH_MARKS) {
    console.log(await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const js = performance.getEntriesByType('resource').filter((r) => /DmApp|api\/|\.css/.test(r.name)).map((r) => r.name.split('/').pop() + '@' + r.startTime.toFixed(0) + '-' + r.responseEnd.toFixed(0));
      const marks = performance.getEntriesByType('mark').filter((x) => x.name.startsWith('hexcrawl:')).map((x) => `${x.name.slice(9)} ${x.startTime.toFixed(0)}`);
      return `dom ${nav.domContentLoadedEventEnd.toFixed(0)} | ${js.join(' ')} | ${marks.join(' | ')}`;
    }));
  }
  await page.close();
}

// 2. Brush strokes.
const page = await context.newPage();
page.on('crash', () => console.log('page crashed'));
page.on('pageerror', (e) => console.log('page error', e.message));
page.on('console', (m) => console.log('console', m.type(), m.text()));
if (process.env.BENCH_WS) {
  const t0 = Date.now();
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => console.log('ws>', Date.now() - t0, String(f.payload).slice(0, 90)));
    ws.on('framereceived', (f) => console.log('ws<', Date.now() - t0, String(f.payload).slice(0, 90)));
  });
}
await page.goto(hub.url + '/dm');
await page.waitForFunction(() => performance.getEntriesByName('hexcrawl:first-map').length > 0);
await page.waitForTimeout(500);

async function stroke(label, scale, row, terrain) {
  await page.evaluate((scale) => {
    const h = window.__hexcrawlDm.map();
    const r = h.renderer();
    if (scale) {
      const { h: ht } = r.size();
      r.setView({ scale, x: 180, y: ht / 2 - 100 * 1.732 * scale });
    } else h.fit(false);
    h.redraw();
  }, scale);
  await page.keyboard.press('b');
  await page.click(`[data-testid=terrain-${terrain}]`);
  await page.waitForTimeout(300);
  const from = `20,${row}`;
  const to = `69,${row}`;
  const a = await hexPoint(page, from);
  const b = await hexPoint(page, to);
  await page.evaluate(() => {
    const r = window.__hexcrawlDm.map().renderer();
    const events = [];
    const draws = [];
    // ts: when the browser got the input (the event's timestamp); at: when the page handled it.
    // A draw shows the event's paint only if it started after the event was handled.
    const onMove = (e) => events.push({ ts: e.timeStamp, at: performance.now() });
    window.addEventListener('pointermove', onMove, true);
    // Saved: for each hex, from the pointer event that painted it to the hub's hex:updated echo
    // for it (the hub has committed it to SQLite by then), measured in the page.
    let input = 0;
    const onInput = (e) => (input = e.timeStamp);
    for (const t of ['pointerdown', 'pointermove', 'pointerup']) window.addEventListener(t, onInput, true);
    const conn = window.__hexcrawlDm.conn;
    const painted = new Map();
    const saved = new Map();
    const send = conn.socket.send;
    conn.socket.send = (m) => {
      const ok = send.call(conn.socket, m);
      if (ok && m.type === 'hex:update') for (const c of m.changes) if (!painted.has(c.key)) painted.set(c.key, { input, sent: performance.now() });
      return ok;
    };
    // Every server message, after the page handled it: the DM store's `received` action (older
    // builds, before the one store, had conn.onMessage), so one script measures both in an A/B.
    const onMessage = (fn) => {
      if (conn.onMessage) return conn.onMessage(fn);
      const store = window.__hexcrawlDm.store;
      const received = store.getState().received;
      store.setState({ received: (from, m) => (received(from, m), fn(m)) });
      return () => store.setState({ received });
    };
    const offMsg = onMessage((m) => {
      if (m.type !== 'hex:updated') return;
      const t = performance.now();
      for (const h of m.hexes) if (painted.has(h.key) && !saved.has(h.key)) saved.set(h.key, t);
    });
    const orig = r.draw.bind(r);
    r.draw = (now) => {
      const start = performance.now();
      orig(now);
      const d = { start, end: performance.now(), ms: r.lastDrawMs, hexes: r.drawnHexes, shown: 0 };
      draws.push(d);
      // The next animation frame starts once this one was produced (rasterised and handed to
      // the compositor): the honest "drawn" time, not just the end of our canvas calls.
      requestAnimationFrame(() => (d.shown = performance.now()));
    };
    window.__bench = {
      events,
      draws,
      painted,
      saved,
      stop: () => {
        window.removeEventListener('pointermove', onMove, true);
        for (const t of ['pointerdown', 'pointermove', 'pointerup']) window.removeEventListener(t, onInput, true);
        conn.socket.send = send;
        offMsg();
        r.draw = orig;
      },
    };
  });
  const cdp = process.env.BENCH_PROFILE ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  // The renderer's main-thread time during the stroke (until every hex is saved): machine load
  // stretches wall times far more than this.
  const metrics = await context.newCDPSession(page);
  await metrics.send('Performance.enable');
  const cpu = async () => Object.fromEntries((await metrics.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const cpuBefore = await cpu();
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 60 });
  await page.mouse.up();
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    profile.samples.forEach((id, i) => {
      const n = byId.get(id);
      const k = `${n.callFrame.functionName} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
      self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    console.log([...self].sort((x, y) => y[1] - x[1]).slice(0, 14).map(([k, t]) => `  ${(t / 1000).toFixed(1)} ms ${k}`).join('\n'));
  }
  await page.waitForFunction(() => window.__hexcrawlDm.conn.editor.pending.size === 0, null, { timeout: 20000 });
  const cpuAfter = await cpu();
  await metrics.detach();
  const res = await page.evaluate(() => {
    window.__bench.stop();
    const { events, draws, painted, saved } = window.__bench;
    const toSave = [];
    const toSend = [];
    let lastInput = 0;
    let lastSaved = 0;
    for (const [k, p] of painted) {
      const t = saved.get(k);
      if (t === undefined) continue;
      toSave.push(t - p.input);
      toSend.push(p.sent - p.input);
      lastInput = Math.max(lastInput, p.input);
      lastSaved = Math.max(lastSaved, t);
    }
    const lat = events.flatMap((e) => {
      const d = draws.find((x) => x.start >= e.at);
      return d ? [d.end - e.ts] : [];
    });
    const shown = events.flatMap((e) => {
      const d = draws.find((x) => x.start >= e.at && x.shown > 0);
      return d ? [d.shown - e.ts] : [];
    });
    const hexes = window.__hexcrawlDm.conn.editor.history.peekUndo()?.edits.length ?? 0;
    return { lat, shown, draw: draws.map((d) => d.ms), hexes: draws.at(-1)?.hexes ?? 0, first: events[0]?.ts, last: events.at(-1)?.ts, painted: hexes, toSave, toSend, unsaved: painted.size - saved.size, allSaved: lastSaved - lastInput };
  });
  return {
    label,
    painted: res.painted,
    drawnHexes: res.hexes,
    latency: { p50: pct(res.lat, 50), p95: pct(res.lat, 95), max: Math.max(...res.lat), n: res.lat.length },
    shown: { p50: pct(res.shown, 50), p95: pct(res.shown, 95), max: Math.max(...res.shown) },
    stroke: res.last - res.first,
    draw: { p50: pct(res.draw, 50), max: Math.max(...res.draw) },
    toSend: { p50: pct(res.toSend, 50), max: Math.max(...res.toSend) },
    toSave: { p50: pct(res.toSave, 50), p95: pct(res.toSave, 95), max: Math.max(...res.toSave), n: res.toSave.length },
    unsaved: res.unsaved,
    allSaved: res.allSaved,
    script: (cpuAfter.ScriptDuration - cpuBefore.ScriptDuration) * 1000,
    task: (cpuAfter.TaskDuration - cpuBefore.TaskDuration) * 1000,
  };
}

// BENCH_STROKES=0: the open only (interleaved A/B runs of the boot).
const results = process.env.BENCH_STROKES === '0' ? [] : [await stroke('zoomed in (scale 12 px)', 12, 100, 'none'), await stroke('whole 200×200 map fitted', 0, 60, 'none')];
const version = browser.version();
await browser.close();
await hub.stop();
rmSync(dir, { recursive: true, force: true });

console.log(`Chromium ${version}, 1440×900 @1x, ${SIZE}×${SIZE} map (${SIZE * SIZE} hexes), live session`);
console.log(`open /dm → first map frame: median ${fmt(pct(open, 50))} ms, p90 ${fmt(pct(open, 90))} ms, max ${fmt(Math.max(...open))} ms (${open.length} runs)`);
for (const r of results) {
  console.log(
    `brush stroke, ${r.label}: ${r.painted} hexes painted in ${fmt(r.stroke)} ms of pointer events, ${r.drawnHexes} hexes per frame\n` +
      `  pointer event → canvas drawn: median ${fmt(r.latency.p50)} ms, p95 ${fmt(r.latency.p95)} ms, max ${fmt(r.latency.max)} ms (${r.latency.n} events; draw() itself ${fmt(r.draw.p50)} ms median)\n` +
      `  pointer event → next frame begins (drawn frame produced): median ${fmt(r.shown.p50)} ms, p95 ${fmt(r.shown.p95)} ms, max ${fmt(r.shown.max)} ms\n` +
      `  pointer event → its hexes sent: median ${fmt(r.toSend.p50)} ms, max ${fmt(r.toSend.max)} ms\n` +
      `  pointer event → its hexes confirmed saved by the hub (hex:updated): median ${fmt(r.toSave.p50)} ms, p95 ${fmt(r.toSave.p95)} ms, max ${fmt(r.toSave.max)} ms (${r.toSave.n} hexes${r.unsaved ? `, ${r.unsaved} never echoed` : ''})\n` +
      `  last painting pointer event → every hex saved: ${fmt(r.allSaved)} ms\n` +
      `  main thread during the stroke: ${fmt(r.task)} ms busy, of which ${fmt(r.script)} ms JavaScript`,
  );
}
