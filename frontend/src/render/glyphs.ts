// Small line drawings that make terrain readable without relying on colour alone. Drawn in map
// units (hex size 1) around the hex centre; the caller sets lineWidth.
import type { Terrain } from '../protocol/schema';

const INK = 'rgba(30, 34, 28, 0.55)';
const LIGHT_INK = 'rgba(255, 255, 255, 0.55)';

const STROKES: Readonly<Record<Terrain, string>> = {
  '': INK,
  plains: 'rgba(60, 80, 30, 0.4)',
  forest: INK,
  hills: INK,
  mountains: INK,
  swamp: INK,
  desert: 'rgba(120, 90, 40, 0.5)',
  water: LIGHT_INK,
  coast: 'rgba(30, 60, 80, 0.45)',
  tundra: 'rgba(90, 120, 140, 0.5)',
  jungle: LIGHT_INK,
  settlement: 'rgba(50, 20, 10, 0.6)',
  ruins: 'rgba(40, 30, 50, 0.55)',
};

export function glyphStroke(t: Terrain): string {
  return STROKES[t];
}

/** Appends the glyph for terrain `t` to the current path (the caller strokes once per terrain). */
export function addGlyph(ctx: CanvasRenderingContext2D, t: Terrain, x: number, y: number, v: number): void {
  switch (t) {
    case 'forest':
    case 'jungle': {
      const trees: [number, number][] = [
        [-0.32, 0.05],
        [0.3, 0.08],
        [0, -0.22],
      ];
      for (const [dx, dy] of trees) {
        const tx = x + dx;
        const ty = y + dy;
        ctx.moveTo(tx, ty - 0.2);
        ctx.lineTo(tx + 0.14, ty + 0.08);
        ctx.lineTo(tx - 0.14, ty + 0.08);
        ctx.lineTo(tx, ty - 0.2); // not closePath(): quadratic in subpaths in Chromium (see renderer.ts)
        ctx.moveTo(tx, ty + 0.08);
        ctx.lineTo(tx, ty + 0.16);
      }
      break;
    }
    case 'mountains':
      ctx.moveTo(x - 0.5, y + 0.22);
      ctx.lineTo(x - 0.15, y - 0.3);
      ctx.lineTo(x + 0.08, y + 0.02);
      ctx.lineTo(x + 0.22, y - 0.16);
      ctx.lineTo(x + 0.5, y + 0.22);
      ctx.moveTo(x - 0.15, y - 0.3);
      ctx.lineTo(x - 0.05, y - 0.12);
      break;
    case 'hills':
      ctx.moveTo(x - 0.45, y + 0.12);
      ctx.quadraticCurveTo(x - 0.2, y - 0.25, x + 0.05, y + 0.12);
      ctx.moveTo(x - 0.05, y - 0.05);
      ctx.quadraticCurveTo(x + 0.2, y - 0.38, x + 0.45, y - 0.05);
      break;
    case 'water':
    case 'coast':
      for (const dy of [-0.15, 0.12]) {
        const ox = v & 1 ? 0.08 : -0.08;
        ctx.moveTo(x - 0.34 + ox, y + dy);
        ctx.quadraticCurveTo(x - 0.17 + ox, y + dy - 0.1, x + ox, y + dy);
        ctx.quadraticCurveTo(x + 0.17 + ox, y + dy + 0.1, x + 0.34 + ox, y + dy);
      }
      break;
    case 'swamp':
      for (const dx of [-0.25, 0.2]) {
        const bx = x + dx;
        const by = y + 0.12 + (dx > 0 ? -0.1 : 0);
        ctx.moveTo(bx - 0.14, by);
        ctx.lineTo(bx + 0.14, by);
        ctx.moveTo(bx, by);
        ctx.lineTo(bx, by - 0.18);
        ctx.moveTo(bx - 0.08, by);
        ctx.lineTo(bx - 0.12, by - 0.13);
        ctx.moveTo(bx + 0.08, by);
        ctx.lineTo(bx + 0.12, by - 0.13);
      }
      break;
    case 'desert':
      ctx.moveTo(x - 0.42, y + 0.1);
      ctx.quadraticCurveTo(x - 0.1, y - 0.18, x + 0.15, y + 0.1);
      ctx.moveTo(x - 0.05, y + 0.28);
      ctx.quadraticCurveTo(x + 0.2, y + 0.05, x + 0.42, y + 0.28);
      break;
    case 'plains':
      for (const [dx, dy] of [
        [-0.25, 0.05],
        [0.18, -0.12],
        [0.1, 0.25],
      ] as const) {
        ctx.moveTo(x + dx - 0.06, y + dy);
        ctx.lineTo(x + dx, y + dy - 0.1);
        ctx.lineTo(x + dx + 0.06, y + dy);
      }
      break;
    case 'tundra':
      ctx.moveTo(x - 0.3, y);
      ctx.lineTo(x + 0.3, y);
      ctx.moveTo(x - 0.15, y - 0.26);
      ctx.lineTo(x + 0.15, y + 0.26);
      ctx.moveTo(x + 0.15, y - 0.26);
      ctx.lineTo(x - 0.15, y + 0.26);
      break;
    case 'settlement':
      ctx.moveTo(x - 0.25, y + 0.22);
      ctx.lineTo(x - 0.25, y - 0.05);
      ctx.lineTo(x, y - 0.28);
      ctx.lineTo(x + 0.25, y - 0.05);
      ctx.lineTo(x + 0.25, y + 0.22);
      ctx.lineTo(x - 0.25, y + 0.22); // not closePath(), as above
      ctx.moveTo(x - 0.06, y + 0.22);
      ctx.lineTo(x - 0.06, y + 0.06);
      ctx.lineTo(x + 0.06, y + 0.06);
      ctx.lineTo(x + 0.06, y + 0.22);
      break;
    case 'ruins':
      ctx.moveTo(x - 0.3, y + 0.25);
      ctx.lineTo(x + 0.3, y + 0.25);
      ctx.moveTo(x - 0.2, y + 0.25);
      ctx.lineTo(x - 0.2, y - 0.2);
      ctx.moveTo(x, y + 0.25);
      ctx.lineTo(x, y - 0.05);
      ctx.moveTo(x + 0.2, y + 0.25);
      ctx.lineTo(x + 0.2, y - 0.28);
      ctx.moveTo(x - 0.28, y - 0.2);
      ctx.lineTo(x - 0.12, y - 0.2);
      break;
    case '':
      return;
  }
}
