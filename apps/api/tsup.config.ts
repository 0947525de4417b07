import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', worker: 'src/worker.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  // Our own workspace code is bundled; third-party packages load from node_modules.
  noExternal: ['@oslrs/core'],
  onSuccess: async () => {
    cpSync('src/db/migrations', 'dist/migrations', { recursive: true });
    // The UI text catalogues the API formats emails, documents, USSD menus and SMS from (src/i18n/texts.ts).
    cpSync('../../packages/core/src/i18n/locales', 'dist/locales', { recursive: true });
  },
});
