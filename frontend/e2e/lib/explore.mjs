// What each player should know, from the hub itself (a fresh DM socket's session:state), and what
// a page actually drew: each hex's pixels classified as explored (its terrain's colour), glimpsed
// (the muted colour) or fog.

const TERRAIN_COLORS = {
  '': '#d8cfb8',
  plains: '#b5c97a',
  forest: '#4d8a4f',
  hills: '#c0a36a',
  mountains: '#8d867d',
  swamp: '#6f7f52',
  desert: '#e8d096',
  water: '#3f77b0',
  coast: '#93c4d8',
  tundra: '#e3eaec',
  jungle: '#2c6338',
  settlement: '#c8714d',
  ruins: '#9b8aa0',
};
const CODES = { '.': '', p: 'plains', f: 'forest', h: 'hills', m: 'mountains', s: 'swamp', d: 'desert', w: 'water', c: 'coast', t: 'tundra', j: 'jungle', v: 'settlement', r: 'ruins' };
export const FOG_RGB = [0x26, 0x2a, 0x31];

const rgb = (css) => [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16));

/** The muted colour of a glimpsed hex, as src/hex/terrain.ts mutedColor computes it. */
export function mutedRgb(css) {
  const [r, g, b] = rgb(css);
  const grey = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return [r, g, b].map((c, i) => Math.round((c * 0.4 + grey * 0.6) * 0.7 + FOG_RGB[i] * 0.3));
}

export function terrainRgb(terrain) {
  return rgb(TERRAIN_COLORS[terrain]);
}

/** terrain per key, from the DM's grid (lower-case codes). */
export function terrainOf(state) {
  const out = new Map();
  const w = state.map.width;
  for (let i = 0; i < state.grid.length; i++) out.set(`${i % w},${Math.floor(i / w)}`, CODES[state.grid[i]]);
  return out;
}

/**
 * Each player's level per key by the hub's own DM state: the highest of all, their party's and
 * their private knowledge (docs/exploration.md). key → 0, 1, 2.
 */
export function levelsFor(state, playerId) {
  const w = state.map.width;
  const party = state.parties.find((p) => (p.memberIds ?? []).includes(playerId));
  const partyKnown = party ? state.partyKnown[party.id] : null;
  const mine = state.revealedTo[playerId] ?? {};
  const out = new Map();
  for (let i = 0; i < state.revealedAll.length; i++) {
    const key = `${i % w},${Math.floor(i / w)}`;
    out.set(key, Math.max(Number(state.revealedAll[i]), partyKnown ? Number(partyKnown[i]) : 0, mine[key] ?? 0));
  }
  return out;
}

/** What the hub says now: a fresh DM socket's session:state. */
export async function hubState(hub, campaignId) {
  const dm = await hub.dm(campaignId);
  const st = dm.messages.find((m) => m.type === 'session:state');
  dm.close();
  return st;
}

/** A player's store: level per key (0 fog, 1 glimpsed, 2 explored), labels, markers, parties. */
export function playerKnowledge(page) {
  return page.evaluate(() => {
    const d = window.__hexcrawl.store.getState().data;
    const w = d.map.width;
    const levels = {};
    for (let i = 0; i < d.cells.length; i++) levels[`${i % w},${Math.floor(i / w)}`] = d.cells[i] === 255 ? 0 : d.glimpsed[i] === 1 ? 1 : 2;
    return { levels, labels: Object.fromEntries(d.labels), markers: d.markers, parties: d.parties, you: d.you, token: d.token };
  });
}

/**
 * What a page drew on each hex, in one round trip: the median colour of a 7×7 block above the
 * centre (clear of tokens, markers, glyphs and labels; the median steps over the hatch lines),
 * classified against the hex's terrain: 'explored', 'glimpsed', 'fog', 'other', or null off screen.
 * `handle` is the page's window handle name (`__hexcrawl` for players, `__hexcrawlDm`).
 */
export async function drawnStates(page, terrain, handle = '__hexcrawl') {
  const keys = [...terrain.keys()];
  const px = await page.evaluate(
    ({ keys, handle }) => {
      const r = window[handle].map().renderer();
      const s = r.getView().scale;
      const { w, h } = r.size();
      const dpr = r.canvas.width / w;
      const ctx = r.canvas.getContext('2d');
      const out = {};
      for (const key of keys) {
        const c = r.hexCenter(key);
        const x = c.x;
        const y = c.y - 0.62 * s;
        if (x < 2 || y < 2 || x >= w - 2 || y >= h - 2) {
          out[key] = null;
          continue;
        }
        // 7×7 device px: the hatch lines (1 px in 7) are a minority the median steps over.
        const d = ctx.getImageData(Math.round(x * dpr) - 3, Math.round(y * dpr) - 3, 7, 7).data;
        const med = [0, 1, 2].map((ch) => {
          const v = [];
          for (let i = 0; i < 49; i++) v.push(d[i * 4 + ch]);
          return v.sort((a, b) => a - b)[24];
        });
        out[key] = med;
      }
      return out;
    },
    { keys, handle },
  );
  const out = new Map();
  const dist = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  for (const [key, t] of terrain) {
    const c = px[key];
    if (!c) {
      out.set(key, null);
      continue;
    }
    const cands = [
      ['explored', terrainRgb(t)],
      ['glimpsed', mutedRgb(TERRAIN_COLORS[t])],
      ['fog', FOG_RGB],
    ].map(([name, want]) => [name, dist(c, want)]);
    cands.sort((a, b) => a[1] - b[1]);
    out.set(key, cands[0][1] <= 16 ? cands[0][0] : `other ${JSON.stringify(c)}`);
  }
  return out;
}

export const STATE_NAMES = ['fog', 'glimpsed', 'explored'];
