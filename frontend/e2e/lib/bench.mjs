// What the benchmarks share: percentiles, waiting for a performance mark without polling inside
// the page, renderer CPU time, and frame timing in the page.

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const fmt = (x) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(1));

// Waits for a mark with one Runtime.evaluate of a PerformanceObserver promise, over the page's
// DevTools session. Not page.waitForFunction (its polling runs Playwright's injected helper in the
// booting page) nor page.evaluate (its first call compiles Playwright's utility script there:
// ~35 ms of the page's main thread at 4× CPU slowdown, counted in the result).
export async function markTime(cdp, name, timeout = 20000) {
  const expression = `new Promise((resolve, reject) => {
    const name = ${JSON.stringify(name)};
    const seen = () => performance.getEntriesByName(name, 'mark')[0]?.startTime;
    if (seen() !== undefined) return resolve(seen());
    const obs = new PerformanceObserver(() => {
      if (seen() === undefined) return;
      obs.disconnect();
      resolve(seen());
    });
    obs.observe({ type: 'mark' });
    setTimeout(() => reject(new Error('no ' + name + ' within ${timeout} ms')), ${timeout});
  })`;
  const r = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
  return r.result.value;
}

/**
 * Installed before the page's scripts: when the renderer marks its first map (the end of the
 * draw call that put it on the canvas), marks 'bench:first-map-shown' at the next animation
 * frame, which starts once that frame is rasterised and handed to the compositor. The renderer's
 * mark is earlier than the picture by however long that takes, which differs between renderers
 * (a frame of tiles is rasterised inside the draw, a frame of paths after it).
 */
export function markFirstMapShown() {
  new PerformanceObserver((list, obs) => {
    if (!list.getEntriesByName('hexcrawl:first-map').length) return;
    obs.disconnect();
    requestAnimationFrame(() => performance.mark('bench:first-map-shown'));
  }).observe({ type: 'mark' });
}

// Renderer CPU time (s) from the DevTools Performance domain: ThreadTime is the main thread's,
// ProcessTime the whole renderer's (raster and compositor threads too). Machine load hardly
// changes them, unlike wall-clock time, so they settle A/B comparisons on a busy machine.
export async function cpuTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/**
 * Starts recording frames in the page: the interval between animation frames, every renderer
 * draw (its own cost) and every pointermove the page received. `stopFrames` returns them.
 */
export function startFrames(page) {
  return page.evaluate(() => {
    const r = window.__hexcrawl.map().renderer();
    const rec = { intervals: [], draws: [], moves: 0, on: true };
    const orig = r.draw;
    r.draw = function (now) {
      orig.call(this, now);
      rec.draws.push(this.lastDrawMs);
    };
    let last = null;
    const tick = (t) => {
      if (!rec.on) return;
      if (last !== null) rec.intervals.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const onMove = () => rec.moves++;
    addEventListener('pointermove', onMove, true);
    window.__frames = {
      stop() {
        rec.on = false;
        r.draw = orig;
        removeEventListener('pointermove', onMove, true);
        return { intervals: rec.intervals, draws: rec.draws, moves: rec.moves };
      },
    };
  });
}

export function stopFrames(page) {
  return page.evaluate(() => window.__frames.stop());
}

export function frameStats(f) {
  const s = (xs) => (xs.length ? { p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs) } : { p50: NaN, p95: NaN, max: NaN });
  return { frames: f.intervals.length, interval: s(f.intervals), draws: f.draws.length, draw: s(f.draws), moves: f.moves };
}

export function frameLine(label, st, extra = '') {
  return (
    `${label}: ${st.frames} frames, interval p50 ${fmt(st.interval.p50)} / p95 ${fmt(st.interval.p95)} / max ${fmt(st.interval.max)} ms` +
    `; ${st.draws} draws, draw() p50 ${fmt(st.draw.p50)} / p95 ${fmt(st.draw.p95)} / max ${fmt(st.draw.max)} ms` +
    `; ${st.moves} pointermoves handled` +
    extra
  );
}
