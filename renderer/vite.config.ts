import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is a plain web app: built here into renderer/dist, served by the Runway server at
// `/`, and loaded unchanged by Electron's window (DESIGN §1, CONVENTIONS §8).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2_000,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              // Views load on demand (app/route-views.ts). The small modules several of them
              // share (formatting, badges, React itself) travel together in one chunk: as a
              // dozen tiny chunks they queued behind the browser's six connections per host,
              // and the graph's data request queued behind them.
              name: 'console-shared',
              test: /[\\/](renderer[\\/]src|shared[\\/]src|node_modules[\\/](react|react-dom|scheduler|zustand|use-sync-external-store))[\\/]/,
              minShareCount: 2,
            },
          ],
        },
      },
    },
  },
});
