// What the benchmarks share: percentiles, waiting for a performance mark without polling inside
// the page, renderer CPU time, and frame timing in the page.

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const fmt = (x) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(1));

// Waits for a mark with one evaluate that resolves from a PerformanceObserver. Not
// page.waitForFunction: its polling runs Playwright's injected helper script in the page while
// the page boots, and that work would be counted.
export function markTime(page, name, timeout = 20000) {
  return page.evaluate(
    ([name, timeout]) =>
      new Promise((resolve, reject) => {
        const seen = () => performance.getEntriesByName(name, 'mark')[0]?.startTime;
        if (seen() !== undefined) return resolve(seen());
        const obs = new PerformanceObserver(() => {
          if (seen() === undefined) return;
          obs.disconnect();
          resolve(seen());
        });
        obs.observe({ type: 'mark' });
        setTimeout(() => reject(new Error(`no ${name} within ${timeout} ms`)), timeout);
      }),
    [name, timeout],
  );
}

// Renderer CPU time (s) from the DevTools Performance domain: ThreadTime is the main thread's,
// ProcessTime the whole renderer's (raster and compositor threads too). Machine load hardly
// changes them, unlike wall-clock time, so they settle A/B comparisons on a busy machine.
export async function cpuTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/**
 * Starts recording frames in the page: for each animation frame, the interval since the previous
 * one and its main-thread work (the frame's start → a message posted from its first
 * animation-frame callback, which runs once the frame's input, script, style, layout, paint and
 * canvas raster are done), plus every renderer draw (its own cost) and every pointermove the
 * page received. `stopFrames` returns the samples.
 */
export function startFrames(page) {
  return page.evaluate(() => {
    const r = window.__hexcrawl.map().renderer();
    const rec = { intervals: [], work: [], draws: [], moves: 0, on: true };
    const orig = r.draw;
    r.draw = function (now) {
      orig.call(this, now);
      rec.draws.push(this.lastDrawMs);
    };
    const ch = new MessageChannel();
    let pending = [];
    ch.port1.onmessage = () => {
      const t = pending.shift();
      if (t !== undefined) rec.work.push(performance.now() - t);
    };
    let last = null;
    const tick = (t) => {
      if (!rec.on) return;
      if (last !== null) rec.intervals.push(t - last);
      last = t;
      pending.push(t);
      ch.port2.postMessage(0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const onMove = () => rec.moves++;
    addEventListener('pointermove', onMove, true);
    window.__frames = {
      rec,
      stop() {
        rec.on = false;
        r.draw = orig;
        removeEventListener('pointermove', onMove, true);
        return { intervals: rec.intervals, work: rec.work, draws: rec.draws, moves: rec.moves };
      },
    };
  });
}

export function stopFrames(page) {
  return page.evaluate(() => window.__frames.stop());
}

export function frameStats(f) {
  const s = (xs) => (xs.length ? { p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs) } : { p50: NaN, p95: NaN, max: NaN });
  return { frames: f.intervals.length, interval: s(f.intervals), work: s(f.work), draws: f.draws.length, draw: s(f.draws), moves: f.moves };
}

export function frameLine(label, st, extra = '') {
  return (
    `${label}: ${st.frames} frames, frame interval p50 ${fmt(st.interval.p50)} / p95 ${fmt(st.interval.p95)} / max ${fmt(st.interval.max)} ms; ` +
    `frame work p50 ${fmt(st.work.p50)} / p95 ${fmt(st.work.p95)} / max ${fmt(st.work.max)} ms; ` +
    `${st.draws} draws, draw() p50 ${fmt(st.draw.p50)} / p95 ${fmt(st.draw.p95)} / max ${fmt(st.draw.max)} ms` +
    (st.moves !== undefined ? `; ${st.moves} pointermoves handled` : '') +
    extra
  );
}
