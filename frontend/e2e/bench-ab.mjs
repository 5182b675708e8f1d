// Interleaved A/B of the player bench (e2e/bench.mjs) between two hub binaries: rounds of A then
// B, then B then A, …, so the machine's load falls on both alike. Pools each binary's samples.
// Usage: BENCH_A=/tmp/hexcrawl-main BENCH_B=../hexcrawl node e2e/bench-ab.mjs
//   BENCH_ROUNDS=n (4), and the bench's own variables (BENCH_DEVICE=phone, BENCH_RUNS=n per round,
//   BENCH_PAN=0 …), passed through.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, pct } from './lib/bench.mjs';

const bench = fileURLToPath(new URL('./bench.mjs', import.meta.url));
const bins = { A: process.env.BENCH_A, B: process.env.BENCH_B };
if (!bins.A || !bins.B) throw new Error('set BENCH_A and BENCH_B to two hub binaries');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

const pooled = { A: [], B: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const which of r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    const out = execFileSync('node', [bench], { env: { ...process.env, HEXCRAWL_BIN: bins[which], BENCH_JSON: '1' }, encoding: 'utf8', maxBuffer: 1 << 28 });
    const res = JSON.parse(out.trim().split('\n').pop());
    pooled[which].push(res);
    const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0];
    console.log(`round ${r + 1} ${which}: first map p50 ${fmt(pct(res.firstMap, 50))} ms, on screen ${fmt(pct(res.firstMapShown, 50))} ms, main-thread CPU p50 ${fmt(pct(res.cpu, 50))} ms (load ${load})`);
  }
}

const all = (which, f) => pooled[which].flatMap(f);
const line = (label, f, unit = 'ms') => {
  const [a, b] = ['A', 'B'].map((w) => all(w, f));
  if (!a.length || !b.length) return;
  const st = (xs) => `p50 ${fmt(pct(xs, 50))} / p95 ${fmt(pct(xs, 95))} (${xs.length})`;
  console.log(`${label}: A ${st(a)} ${unit}, B ${st(b)} ${unit}`);
};
console.log(`A = ${bins.A}\nB = ${bins.B}`);
line('first drawn map', (r) => r.firstMap);
line('… on screen (next frame)', (r) => r.firstMapShown);
line('main-thread CPU to the first map', (r) => r.cpu);
const frames = Object.keys(pooled.A[0].frames ?? {}).filter((k) => k !== 'reveal' && k !== 'move');
for (const k of frames) {
  line(`${k}: frame interval`, (r) => r.frames[k]?.during.intervals ?? []);
  line(`${k}: draw()`, (r) => r.frames[k]?.during.draws ?? []);
}
line('reveal arrival → drawn', (r) => (r.frames.reveal ?? []).map((x) => x.ms));
line('a move’s reveals arrival → drawn', (r) => (r.frames.move ?? []).map((x) => x.ms));
line('JS heap after GC', (r) => (r.heap ? [r.heap / 1e6] : []), 'MB');
