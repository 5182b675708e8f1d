import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The hub listens on 7777 by default; the dev server forwards the API and the WebSocket to it so
// the page and the socket share one origin (the hub checks Origin against Host).
const hub = process.env.HEXCRAWL_HUB ?? 'http://127.0.0.1:7777';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: hub, changeOrigin: false },
      '/ws': { target: hub, ws: true, changeOrigin: false },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
