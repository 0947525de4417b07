import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { compileCatalog, parseCatalog } from '../../packages/core/src/i18n/catalog';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = { '/api': { target: 'http://localhost:3000', changeOrigin: false } };

/**
 * `import('…/locales/yo.po')` becomes a module of messages precompiled for @lingui/core (English filling
 * any gap), so no PO or ICU parser ships to the browser and each language is its own lazy chunk.
 */
function poCatalogs(): Plugin {
  return {
    name: 'oslrs-po-catalogs',
    load(id) {
      const [file, query = ''] = id.split('?');
      if (!file!.endsWith('.po')) return null;
      const english = join(file!, '..', 'en.po');
      this.addWatchFile(english);
      // Four parts per language: `?part=staff` (the staff pages' and USSD simulator's words),
      // `?part=app` (the PWA, clerk, account, marketplace, documents and insights pages, and the
      // wizard's questionnaire steps), `?part=site` (the prerendered public pages' long text, which no
      // app page shows), else the base (what the public app pages and the wizard's first steps need).
      // SMS texts are the server's only.
      const part = new URLSearchParams(query).get('part') ?? 'base';
      const partOf = (key: string) =>
        key.startsWith('staff.') || key.startsWith('ussd.')
          ? 'staff'
          : /^(collect|clerk|account|marketplace|documents)\.|^public\.insights\./.test(key)
            ? 'app'
            : /^public\.(about|participate|faq|privacy|terms|contact)\./.test(key)
              ? 'site'
              : 'base';
      const inPart = ({ id: key }: { id: string }) => !key.startsWith('sms.') && partOf(key) === part;
      const compiled = compileCatalog(
        parseCatalog(readFileSync(file!, 'utf8')).filter(inPart),
        parseCatalog(readFileSync(english, 'utf8')).filter(inPart),
      );
      return { code: `export default JSON.parse(${JSON.stringify(JSON.stringify(compiled))});`, map: null };
    },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/**
 * Emits /sw.js from src/offline/sw/service-worker.ts with the build's file list to precache (every
 * emitted file and every public/ file) and a build id made from their contents, which names the caches.
 */
function serviceWorker(): Plugin {
  const source = join(root, 'src/offline/sw/service-worker.ts');
  let publicDir = '';
  return {
    name: 'oslrs-service-worker',
    apply: 'build',
    // After Vite's own plugins, so that index.html is in the bundle too.
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    async generateBundle(_options, bundle) {
      const hash = createHash('sha256');
      const files = new Map<string, string | Uint8Array>();
      for (const [fileName, output] of Object.entries(bundle)) {
        if (!fileName.endsWith('.map') && !fileName.startsWith('.vite/')) files.set(fileName, output.type === 'chunk' ? output.code : output.source);
      }
      for (const fileName of publicDir ? filesUnder(publicDir) : []) {
        files.set(fileName, readFileSync(join(publicDir, fileName)));
      }
      const urls = [...files.keys()].sort().map((f) => `/${f}`);
      for (const url of urls) hash.update(url).update(files.get(url.slice(1))!);
      const code = readFileSync(source, 'utf8');
      hash.update(code);
      const { code: js } = await transformWithOxc(code, source, { lang: 'ts' });
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: js
          .replace(/^export \{\s*\};?\s*$/m, '')
          .replaceAll('__OSLRS_BUILD__', JSON.stringify(hash.digest('hex').slice(0, 16)))
          .replaceAll('__OSLRS_PRECACHE__', JSON.stringify(urls)),
      });
    },
  };
}

export default defineConfig({
  root,
  plugins: [poCatalogs(), react(), tailwindcss(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed assets under /assets/ (the default) so NGINX can cache them for a year.
    assetsDir: 'assets',
    // Read by scripts/prerender.mjs (the chunks a prerendered page preloads), then deleted.
    manifest: true,
    rolldownOptions: {
      // @oslrs/core is plain data and functions. Saying so lets a page that only needs the role
      // labels or LGA list skip the zod DTO modules (and zod itself) that the same entry re-exports.
      treeshake: {
        moduleSideEffects: [{ test: /[\\/]packages[\\/]core[\\/]src[\\/]/, sideEffects: false }],
      },
      output: {
        // One long-cached file for the libraries every page needs; app releases leave it unchanged.
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|cookie|set-cookie-parser)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: { proxy: api },
  preview: { proxy: api },
});
