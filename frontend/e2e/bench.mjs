// Benchmark (not a test): the player view in headless Chromium against the real hub. Two devices:
//   desktop (default): a 100×100 map fully revealed, 1280×800 @1×: navigation → first drawn map,
//     and per-frame draw time and frame intervals while a mouse pans.
//   phone (BENCH_DEVICE=phone, or npm run bench:phone): an old phone — 360×640 @2×, touch, the CPU
//     throttled 4× (Emulation.setCPUThrottlingRate) — on a 200×200 map with about half of it
//     revealed (a disc around the party): first drawn map, frames while a finger pans (at the
//     opening view and with the whole map on screen) and while two fingers pinch, a reveal's
//     arrival → drawn, a party's move's reveals arrival → drawn, frames while the view follows a
//     walking party, and the JS heap.
// Usage: npm run bench  (HEXCRAWL_BIN as for e2e; BENCH_RUNS=n; BENCH_SIZE=n; BENCH_CPU=rate;
// BENCH_MARKS=1 prints the boot timeline; BENCH_RAW=1 the samples; BENCH_PROFILE=1 uses a normal
// browser profile; BENCH_PAN=0 and BENCH_COOKIE_ONLY=0 skip those parts, for quick A/B runs;
// BENCH_SHOTS=dir saves the phone's screens; BENCH_JSON=1 ends with one JSON line of the raw
// figures, for e2e/bench-ab.mjs)
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, launchWithProfile } from './lib/browser.mjs';
import { Hub, freePort, randomToken } from './lib/hub.mjs';
import { cpuTime, fmt, frameLine, frameStats, markFirstMapShown, markTime, pct, startFrames, stopFrames } from './lib/bench.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = resolve(process.env.HEXCRAWL_BIN ?? join(here, '../../hexcrawl'));
if (!existsSync(bin)) throw new Error(`no hub binary at ${bin}`);
const PHONE = process.env.BENCH_DEVICE === 'phone';
const RUNS = Number(process.env.BENCH_RUNS ?? (PHONE ? 10 : 15));
const SIZE = Number(process.env.BENCH_SIZE ?? (PHONE ? 200 : 100));
const CPU = Number(process.env.BENCH_CPU ?? (PHONE ? 4 : 1));
const SHOTS = process.env.BENCH_SHOTS;

const dir = mkdtempSync(join(tmpdir(), 'hexcrawl-bench-'));
const hub = new Hub({ bin, port: await freePort(), db: join(dir, 'h.db'), token: randomToken() });
await hub.start();

// A SIZE×SIZE map with every terrain and a label every 7th hex. Desktop: all revealed, the party
// in the middle. Phone: a disc of hexes around the party revealed, about half the map (what a
// party knows after many sessions).
const camp = await hub.api('POST', '/api/campaigns', { name: 'Bench' });
const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Big', width: SIZE, height: SIZE, orientation: 'flat' });
const T = ['plains', 'forest', 'hills', 'mountains', 'swamp', 'desert', 'water', 'coast', 'tundra', 'jungle', 'settlement', 'ruins'];
const changes = [];
const keys = [];
const mid = Math.floor(SIZE / 2);
// Hex distance on an odd-q map (flat), via cube coordinates.
const cube = (q, r) => ({ x: q, z: r - (q - (q & 1)) / 2 });
const dist = (a, b) => {
  const p = cube(a[0], a[1]);
  const o = cube(b[0], b[1]);
  return (Math.abs(p.x - o.x) + Math.abs(p.z - o.z) + Math.abs(p.x + p.z - o.x - o.z)) / 2;
};
// 3R² + 3R + 1 hexes within R: half the map.
const R = Math.round((-3 + Math.sqrt(9 - 12 * (1 - (SIZE * SIZE) / 2))) / 6);
for (let r = 0; r < SIZE; r++) {
  for (let q = 0; q < SIZE; q++) {
    const i = r * SIZE + q;
    const c = { key: `${q},${r}`, terrain: T[(q * 7 + r * 3 + ((q * r) % 5)) % T.length] };
    if (i % 7 === 0) c.label = `Place ${i}`;
    changes.push(c);
    if (!PHONE || dist([q, r], [mid, mid]) <= R) keys.push(c.key);
  }
}
await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
const { code } = await hub.api('POST', `/api/campaigns/${camp.id}/invites`, {});
const dm = await hub.dm(camp.id);
await dm.send({ type: 'session:start' }, 'session:statusChanged');
await dm.send({ type: 'hex:reveal', hexKeys: keys, targets: 'all' }, 'hex:revealed');
await dm.placeParty(`${mid},${mid}`);

// BENCH_PROFILE=1: a normal browser profile on disk, like a player's own browser, where Chromium
// reuses compiled code on later visits. Default: Playwright's incognito-like context, which never
// does: the pessimistic case, and the one earlier numbers were taken with.
const PROFILE = process.env.BENCH_PROFILE === '1';
const W = PHONE ? 360 : 1280;
const H = PHONE ? 640 : 800;
const DPR = PHONE ? 2 : 1;
const viewport = { viewport: { width: W, height: H }, deviceScaleFactor: DPR, ...(PHONE && { isMobile: true, hasTouch: true }) };
const browser = PROFILE ? null : await launch();
const context = PROFILE ? await launchWithProfile(join(dir, 'profile'), viewport) : await browser.newContext(viewport);
// Join once (sets the cookie in this context).
{
  const r = await context.request.post(`${hub.url}/api/join`, { data: { code, name: 'Bench' } });
  if (!r.ok()) throw new Error(`join: ${r.status()}`);
}

async function newPage() {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (CPU !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  return { page, cdp };
}

// 1. Navigation → first drawn map (fresh page each run; the first run warms the HTTP cache).
// "returning": the page remembers its seat (localStorage, as after any earlier visit) and opens
// the socket at once; "cookie only": that memory is wiped first, so /api/me must answer before
// the socket can start (a first visit after joining from another tab, or cleared site data).
const MARKS = ['hexcrawl:boot', 'hexcrawl:socket-start', 'hexcrawl:socket-open', 'hexcrawl:state-received', 'hexcrawl:state', 'hexcrawl:first-map', 'bench:first-map-shown'];

async function firstMaps(runs, { forgetSeat }) {
  const out = [];
  const shown = [];
  const timelines = [];
  const cpu = [];
  for (let i = 0; i < runs + 1; i++) {
    const { page, cdp } = await newPage();
    if (forgetSeat) await page.addInitScript(() => localStorage.removeItem('hexcrawl.seat'));
    await page.addInitScript(markFirstMapShown);
    await cdp.send('Performance.enable');
    const before = await cpuTime(cdp);
    await page.goto(hub.url + '/');
    const ms = await markTime(cdp, 'hexcrawl:first-map');
    const shownMs = await markTime(cdp, 'bench:first-map-shown');
    const after = await cpuTime(cdp);
    if (i > 0) {
      out.push(ms);
      shown.push(shownMs);
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
  return { samples: out, shown, timelines, cpu };
}
const returning = await firstMaps(RUNS, { forgetSeat: false });
const cookieOnly = process.env.BENCH_COOKIE_ONLY === '0' || PHONE ? null : await firstMaps(RUNS, { forgetSeat: true });

// 2. Frames (BENCH_PAN=0 skips them).
const PAN = process.env.BENCH_PAN !== '0';
const lines = [];
const json = {};
if (PAN && !PHONE) {
  const { page } = await newPage();
  await page.goto(hub.url + '/');
  await page.waitForFunction(() => performance.getEntriesByName('hexcrawl:first-map').length > 0);
  await page.waitForTimeout(300);
  const pan = async (label, scale) => {
    await page.evaluate((scale) => {
      const h = window.__hexcrawl.map();
      const r = h.renderer();
      if (scale) {
        const { w, h: ht } = r.size();
        r.setView({ scale, x: w / 2 - 75 * scale, y: ht / 2 - 86 * scale });
      } else h.fit(false);
      h.redraw();
    }, scale);
    await page.waitForTimeout(300);
    await startFrames(page);
    // Drag across the map back and forth with real input events (~4 s).
    const cx = 640, cy = 420;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let k = 0; k < 240; k++) {
      const a = (k / 60) * Math.PI;
      await page.mouse.move(cx + Math.sin(a) * 300, cy + Math.cos(a) * 200);
    }
    await page.mouse.up();
    const f = await stopFrames(page);
    const hexes = await page.evaluate(() => window.__hexcrawl.map().renderer().drawnHexes);
    lines.push(frameLine(`pan, ${label}`, frameStats(f), `; ~${hexes} hexes on screen`));
    json[`pan, ${label}`] = { during: f };
  };
  await pan('whole map fitted', 0);
  await pan('zoomed in (glyphs + labels drawn)', 30);
  await page.close();
}

let heap = null;
if (PAN && PHONE) {
  const { page, cdp } = await newPage();
  await page.goto(hub.url + '/');
  await markTime(cdp, 'hexcrawl:first-map');
  await page.waitForTimeout(1500); // fades and lazy work done
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  // Moves sent at 60 Hz without waiting for each to be handled, as a finger would: a page that
  // cannot keep up receives them coalesced (fewer pointermoves handled).
  const gesture = async (frames, pointsAt) => {
    await touch('touchStart', pointsAt(0));
    const sent = [];
    const t0 = Date.now();
    for (let k = 1; k <= frames; k++) {
      sent.push(touch('touchMove', pointsAt(k)));
      const wait = t0 + k * 16.7 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(sent);
    await touch('touchEnd', []);
  };
  const view = () => page.evaluate(() => {
    const r = window.__hexcrawl.map().renderer();
    return { ...r.getView(), hexes: r.drawnHexes };
  });
  const measure = async (label, run) => {
    await startFrames(page);
    await run();
    const during = await stopFrames(page);
    await startFrames(page);
    await page.waitForTimeout(1000);
    const after = await stopFrames(page);
    const v = await view();
    lines.push(frameLine(label, frameStats(during), `; ${Math.round(v.hexes)} hexes on screen at the end, scale ${fmt(v.scale)}`));
    lines.push(frameLine('  the second after it', frameStats(after)));
    json[label] = { during, after };
  };
  // A finger circling (~3 s): 150 px across, as when looking around.
  const circle = (k) => [[180 + Math.sin(k / 30) * 75, 330 + Math.cos(k / 30) * 75 - 75]];
  const opening = await view();
  lines.push(`opening view: scale ${fmt(opening.scale)} px per hex radius (${fmt(opening.scale * Math.sqrt(3))} px flat to flat), ${opening.hexes} hexes drawn`);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'bench-phone-opening.png') });
  await measure('one-finger pan, opening view', () => gesture(180, circle));
  // Two fingers 60 px apart spread to 260 px and back (~2 s).
  const pinch = (k) => {
    const d = 30 + 100 * Math.sin((k / 120) * Math.PI);
    return [[180 - d, 330], [180 + d, 330]];
  };
  await measure('pinch zoom in and back out, opening view', () => gesture(120, pinch));
  await page.evaluate(() => window.__hexcrawl.map().fit(false));
  await page.waitForTimeout(1500);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'bench-phone-whole.png') });
  await measure('one-finger pan, whole map on screen', () => gesture(180, circle));
  await measure('pinch zoom in and back out, whole map on screen', () => gesture(120, pinch));

  // A reveal next to the party, on screen: arrival of hex:revealed → the draw that shows it.
  await page.evaluate((key) => window.__hexcrawl.map().centerOn(key), `${mid},${mid}`);
  await page.waitForTimeout(1000);
  const ring = [];
  for (let q = mid - 3; q <= mid + 3; q++) for (let r = mid - 3; r <= mid + 3; r++) if (dist([q, r], [mid, mid]) <= 2) ring.push(`${q},${r}`);
  const reveals = [];
  for (let k = 0; k < 8; k++) {
    await dm.send({ type: 'hex:hide', hexKeys: ring, targets: 'all' }, 'hex:hidden');
    await page.waitForTimeout(700);
    await page.evaluate(() => {
      const { store, socket } = window.__hexcrawl;
      const r = window.__hexcrawl.map().renderer();
      const st = store.getState();
      const apply = st.apply;
      const rec = { arrived: null, drawn: null, frame: null, frameAfter: null };
      window.__reveal = rec;
      let frames = 0;
      const tick = () => {
        if (rec.drawn !== null) {
          rec.frameAfter = frames;
          return;
        }
        if (rec.arrived !== null) frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      store.setState({
        apply(m) {
          if (m.type === 'hex:revealed' && rec.arrived === null) rec.arrived = performance.now() - socket.lastParseMs;
          apply(m);
        },
      });
      const draw = r.draw;
      r.draw = function (now) {
        draw.call(this, now);
        if (rec.arrived !== null && rec.drawn === null) {
          rec.drawn = performance.now();
          r.draw = draw;
          store.setState({ apply });
        }
      };
    });
    await dm.send({ type: 'hex:reveal', hexKeys: ring, targets: 'all' }, 'hex:revealed');
    await page.waitForFunction(() => window.__reveal.drawn !== null && window.__reveal.frameAfter !== null, null, { timeout: 10000 });
    reveals.push(await page.evaluate(() => ({ ms: window.__reveal.drawn - window.__reveal.arrived, frames: window.__reveal.frameAfter })));
  }
  const ms = reveals.map((x) => x.ms);
  json.reveal = reveals;
  lines.push(
    `reveal of ${ring.length} hexes on screen, arrival → drawn (${reveals.length} times): p50 ${fmt(pct(ms, 50))} ms, max ${fmt(Math.max(...ms))} ms; ` +
      `animation frames begun between them: ${reveals.map((x) => x.frames).join(', ')}`,
  );

  // A party's move out of what it knows (issue 10): one step with sight, whose frames are the
  // new hexes (the step explored, what it sees glimpsed: muted and hatched in the tiles) and the
  // party's new position. From the arrival of the first of those frames to the end of the draw
  // after both were applied, 8 times; the hub's party:undo takes the step back in between.
  const edge = (() => {
    // The known disc's easternmost hex on a row near the middle, stepping out onto a hill or a
    // mountain (so the step glimpses a ring, not only its neighbours).
    for (let dr = 0; dr < SIZE / 2; dr++) {
      for (const r of [mid + dr, mid - dr]) {
        let q = mid;
        while (q + 1 < SIZE && dist([q + 1, r], [mid, mid]) <= R) q++;
        const to = [q + 1, r];
        if (to[0] + 12 >= SIZE) continue;
        const t = T[(to[0] * 7 + to[1] * 3 + ((to[0] * to[1]) % 5)) % T.length];
        if (t === 'hills' || t === 'mountains') return { q, r, from: `${q},${r}`, to: `${to[0]},${to[1]}`, terrain: t };
      }
    }
    throw new Error('no hill at the edge of the known disc');
  })();
  await dm.placeParty(edge.from);
  // At the opening view's scale (hexes big enough to tap), as a player looks at their party.
  await page.evaluate(
    ({ key, scale }) => {
      const h = window.__hexcrawl.map();
      const r = h.renderer();
      r.setView({ ...r.getView(), scale });
      h.centerOn(key);
    },
    { key: edge.from, scale: opening.scale },
  );
  await page.waitForTimeout(1000);
  const partyId = dm.defaultParty();
  const moves = [];
  for (let k = 0; k < 8; k++) {
    await page.evaluate(() => {
      const { store, socket } = window.__hexcrawl;
      const r = window.__hexcrawl.map().renderer();
      const apply = store.getState().apply;
      const rec = { arrived: null, revealed: false, moved: false, drawn: null, frameAfter: null, hexes: 0 };
      window.__move = rec;
      let frames = 0;
      const tick = () => {
        if (rec.drawn !== null) {
          rec.frameAfter = frames;
          return;
        }
        if (rec.arrived !== null) frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      store.setState({
        apply(m) {
          if (m.type === 'hex:revealed' || m.type === 'parties:changed') {
            if (rec.arrived === null) rec.arrived = performance.now() - socket.lastParseMs;
            if (m.type === 'hex:revealed') {
              rec.revealed = true;
              rec.hexes = m.hexes.length;
            } else rec.moved = true;
          }
          apply(m);
        },
      });
      const draw = r.draw;
      r.draw = function (now) {
        draw.call(this, now);
        if (rec.moved && rec.revealed && rec.drawn === null) {
          rec.drawn = performance.now();
          r.draw = draw;
          store.setState({ apply });
        }
      };
    });
    await dm.send({ type: 'party:move', partyId, path: [edge.to] }, 'party:moved');
    await page.waitForFunction(() => window.__move.drawn !== null && window.__move.frameAfter !== null, null, { timeout: 10000 });
    moves.push(await page.evaluate(() => ({ ms: window.__move.drawn - window.__move.arrived, frames: window.__move.frameAfter, hexes: window.__move.hexes })));
    if (SHOTS && k === 0) await page.screenshot({ path: join(SHOTS, 'bench-phone-move.png') });
    await dm.send({ type: 'party:undo', partyId }, 'party:known');
    await page.waitForTimeout(700);
  }
  const mms = moves.map((x) => x.ms);
  json.move = moves;
  lines.push(
    `a move's reveals (one step onto ${edge.terrain} at the edge of the known area, ${moves[0].hexes} hexes new), arrival → drawn (${moves.length} times): ` +
      `p50 ${fmt(pct(mms, 50))} ms, max ${fmt(Math.max(...mms))} ms; animation frames begun between them: ${moves.map((x) => x.frames).join(', ')}`,
  );

  // Following the token: the party walks 12 hexes east into the unknown, a step every 700 ms
  // (a DM on the arrow keys), each step revealing what it sees; the page glides after the token
  // whenever it nears the edge of the screen. Frames over the whole walk.
  const viewX = () => page.evaluate(() => window.__hexcrawl.map().renderer().getView().x);
  const views = [await viewX()];
  await startFrames(page);
  for (let k = 1; k <= 12; k++) {
    await dm.send({ type: 'party:move', partyId, path: [`${edge.q + k},${edge.r}`] }, 'party:moved');
    await page.waitForTimeout(700);
    views.push(await viewX());
  }
  const walk = await stopFrames(page);
  const glides = views.filter((x, i) => i > 0 && Math.abs(x - views[i - 1]) > 1).length;
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'bench-phone-walked.png') });
  json.follow = { during: walk };
  lines.push(frameLine('walking 12 hexes, a step every 700 ms, the view following the token', frameStats(walk), `; the view moved after ${glides} of the 12 steps`));
  await cdp.send('HeapProfiler.collectGarbage');
  heap = await cdp.send('Runtime.getHeapUsage');
  await page.close();
}

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
console.log(
  `Chromium ${ua}, ${W}×${H} @${DPR}x${PHONE ? ' touch' : ''}, CPU ${CPU}× slower, ${SIZE}×${SIZE} map, ${keys.length} hexes revealed, ${PROFILE ? 'normal profile' : 'incognito-like context'}`,
);
const median = (xs) => {
  const known = xs.filter((x) => x !== null);
  return known.length ? fmt(pct(known, 50)) : '–'; // a build without that mark
};
for (const [label, r] of [['returning player', returning], ['cookie only', cookieOnly]]) {
  if (!r) continue;
  const xs = r.samples;
  console.log(`first drawn map after navigation, ${label} (${RUNS} runs): p50 ${fmt(pct(xs, 50))} ms, min ${fmt(Math.min(...xs))} ms, max ${fmt(Math.max(...xs))} ms`);
  const ys = r.shown;
  console.log(`  … on screen (the next frame begins): p50 ${fmt(pct(ys, 50))} ms, min ${fmt(Math.min(...ys))} ms, max ${fmt(Math.max(...ys))} ms`);
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
for (const l of lines) console.log(l);
if (heap) console.log(`JS heap after GC: ${fmt(heap.usedSize / 1e6)} MB used of ${fmt(heap.totalSize / 1e6)} MB`);
if (process.env.BENCH_JSON) {
  console.log(JSON.stringify({ firstMap: returning.samples, firstMapShown: returning.shown, cpu: returning.cpu.map((c) => c.main), timelines: returning.timelines, frames: json, heap: heap?.usedSize ?? null }));
}
