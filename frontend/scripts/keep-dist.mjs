// Go embeds `all:dist`; a fresh clone (and every `vite build`, which empties dist) needs a
// file there, so the placeholder is put back after each build.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
mkdirSync(dist, { recursive: true });
writeFileSync(dist + '.gitkeep', '');
