// Vite settings for the renderer. main/build.mjs supplies the root (this folder) and the output
// folder (out/renderer), so this file needs no Node modules, like the rest of renderer/.
import { defineConfig } from 'vite';

export default defineConfig({
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
