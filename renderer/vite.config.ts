// Vite settings for the renderer. main/build.mjs supplies the root (this folder) and the output
// folder (out/renderer), so this file needs no Node modules, like the rest of renderer/.
import { defineConfig, type Plugin } from 'vite';
import { CSP_META } from '../shared/csp';

/** Writes the one Content-Security-Policy (shared/csp.ts) into index.html, first in <head>. */
function cspMeta(): Plugin {
  return {
    name: 'haul-csp',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  plugins: [cspMeta()],
  // Relative asset URLs: the Electron window loads index.html from a file.
  base: './',
  build: {
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Fluent UI marks its modules 'use client' (for React Server Components); meaningless here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
