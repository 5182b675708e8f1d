// Helpers for driving the DM console page in the DM end-to-end tests and benchmark.

/** Opens the DM console with the token in the fragment, waits for the first session:state. */
export async function openConsole(page, hubUrl, token, { path = '/dm' } = {}) {
  await page.goto(`${hubUrl}${path}#token=${encodeURIComponent(token)}`);
  await waitForDm(page);
}

export async function waitForDm(page, timeout = 10000) {
  await page.waitForSelector('[data-testid=dm-console]', { timeout });
  await page.waitForFunction(() => window.__hexcrawlDm?.conn.store.getState().data != null, null, { timeout });
}

/** The DM's store, summarised into plain JSON. */
export function dmSummary(page) {
  return page.evaluate(() => {
    const h = window.__hexcrawlDm;
    const s = h?.conn.store.getState();
    const d = s?.data;
    if (!d) return null;
    const w = d.map?.width ?? 0;
    const key = (i) => `${i % w},${Math.floor(i / w)}`;
    return {
      connection: s.connection.kind,
      campaign: d.campaign,
      map: d.map,
      status: d.session?.status ?? 'waiting',
      mode: d.broadcastMode,
      staged: d.staged,
      players: [...d.players.values()],
      revealedAll: d.revealedAll ? [...d.revealedAll].flatMap((v, i) => (v ? [key(i)] : [])) : [],
      revealedTo: Object.fromEntries([...d.revealedTo].map(([id, known]) => [id, [...known.keys()].sort()])),
      labels: Object.fromEntries(d.labels),
      notes: Object.fromEntries(d.notes),
      token: d.token,
      cells: [...d.cells],
      pending: h.conn.editor.pending.size,
      history: h.conn.editor.history.size(),
    };
  });
}

export async function dmWaitUntil(page, fn, what, timeout = 8000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await dmSummary(page).catch(() => null);
    if (last && fn(last)) return last;
    await page.waitForTimeout(40);
  }
  const brief = last && { ...last, cells: `${last.cells.length} cells` };
  throw new Error(`DM: timed out waiting for ${what}; last: ${JSON.stringify(brief).slice(0, 1500)}`);
}

/** Screen position (page CSS px) of a hex centre on the DM's map. */
export async function hexPoint(page, key) {
  const box = await page.locator('[data-testid=hexmap]').boundingBox();
  const c = await page.evaluate((k) => window.__hexcrawlDm.map().renderer().hexCenter(k), key);
  if (!c) throw new Error(`no hex ${key} on the DM map`);
  return { x: box.x + c.x, y: box.y + c.y };
}

/** Drags the primary button from one hex centre to another in small steps. */
export async function dragHexes(page, from, to, steps = 12) {
  const a = await hexPoint(page, from);
  const b = await hexPoint(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + (b.x - a.x) * 0.1, a.y + (b.y - a.y) * 0.1, { steps: 2 });
  await page.mouse.move(b.x, b.y, { steps });
  await page.mouse.up();
}

export async function clickHex(page, key) {
  const p = await hexPoint(page, key);
  await page.mouse.click(p.x, p.y);
}

/** Colour drawn on the DM's canvas above a hex centre (clear of glyphs and labels), [r,g,b]. */
export function dmHexColour(page, key) {
  return page.evaluate((key) => {
    const r = window.__hexcrawlDm.map().renderer();
    const c = r.hexCenter(key);
    const s = r.getView().scale;
    const { w } = r.size();
    const dpr = r.canvas.width / w;
    const px = r.canvas.getContext('2d').getImageData(Math.round(c.x * dpr), Math.round((c.y - 0.72 * s) * dpr), 1, 1).data;
    return [px[0], px[1], px[2]];
  }, key);
}

/** a over b at alpha. */
export function blend(a, b, alpha) {
  return a.map((v, i) => Math.round(v * alpha + b[i] * (1 - alpha)));
}

/**
 * The benchmarks' campaign: a size×size flat map with every hex painted, a label every 11th hex,
 * a live session with the western third revealed to all. Returns the campaign.
 */
export async function benchCampaign(hub, size) {
  const camp = await hub.api('POST', '/api/campaigns', { name: 'Bench' });
  const map = await hub.api('POST', `/api/campaigns/${camp.id}/maps`, { name: 'Huge', width: size, height: size, orientation: 'flat' });
  const T = ['plains', 'forest', 'hills', 'mountains', 'swamp', 'desert', 'water', 'coast', 'tundra', 'jungle', 'settlement', 'ruins'];
  const reveal = [];
  for (let r0 = 0; r0 < size; r0 += 50) {
    const changes = [];
    for (let r = r0; r < Math.min(size, r0 + 50); r++) {
      for (let q = 0; q < size; q++) {
        const i = r * size + q;
        const c = { key: `${q},${r}`, terrain: T[(q * 7 + r * 3 + ((q * r) % 5)) % T.length] };
        if (i % 11 === 0) c.label = `Place ${i}`;
        changes.push(c);
        if (q < size / 3) reveal.push(c.key);
      }
    }
    await hub.api('PATCH', `/api/maps/${map.id}/hexes`, { changes });
  }
  const dm = await hub.dm(camp.id);
  await dm.send({ type: 'session:start' }, 'session:statusChanged');
  await dm.send({ type: 'hex:reveal', hexKeys: reveal, targets: 'all' }, 'hex:revealed');
  dm.close();
  return camp;
}
