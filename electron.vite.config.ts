import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import packageJson from './package.json';

// electron-vite reads Electron's version from the installed package; where the
// optional Electron install was skipped, tell it the version we pin.
process.env.ELECTRON_MAJOR_VER ??= packageJson.optionalDependencies.electron.split('.')[0];

// Every main-process entry lands flat in out/main so that entries can find each
// other (the import and data workers) next to whichever chunk loads them.
const mainOutput = { format: 'es' as const, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' };

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          serve: resolve('src/main/serve.ts'),
          cli: resolve('src/main/cli/index.ts'),
          importWorker: resolve('src/main/tools/importWorker.ts'),
          dataWorker: resolve('src/main/data/dataWorker.ts'),
        },
        output: mainOutput,
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    esbuild: { jsx: 'automatic' },
    build: {
      outDir: 'out/renderer',
      rollupOptions: {
        input: { index: resolve('src/renderer/index.html') },
        onwarn(warning, warn) {
          // React Query marks modules "use client" for server-component bundlers; meaningless here.
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
  },
});
