import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, transformWithOxc, type Plugin, type Rolldown } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { catalogPartOf, compileCatalog, parseCatalog } from '../../packages/core/src/i18n/catalog';

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
      // Four parts per language (`?part=app`, `?part=staff`, `?part=site`, else the base): which id
      // goes where is catalogPartOf's (packages/core/src/i18n/catalog.ts).
      const part = new URLSearchParams(query).get('part') ?? 'base';
      const inPart = ({ id: key }: { id: string }) => catalogPartOf(key) === part;
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
 * Marks the chunks every page runs at start (the entries and what they import) and those of the
 * prerendered first screen (`firstScreen`: its route module and what it imports) with V8's explicit
 * compile hint, `//# allFunctionsCalledOnLoad`: Chromium then compiles their functions on the
 * background thread that streams the script in, instead of one by one on the main thread as each is
 * first called (about half the main thread's work while the app starts, measured on /register).
 * Other engines read a comment.
 */
function compileHints(firstScreen: string[]): Plugin {
  const HINT = '//# allFunctionsCalledOnLoad\n';
  return {
    name: 'oslrs-compile-hints',
    apply: 'build',
    // Last: Vite's own generateBundle rewrites chunks that import dynamically (their preload lists).
    generateBundle: { order: 'post', handler: hint },
  };
  function hint(_options: unknown, bundle: Rolldown.OutputBundle) {
    const chunks = Object.values(bundle).filter((o) => o.type === 'chunk');
    const marked = new Set<string>();
    const mark = (fileName: string) => {
      const chunk = bundle[fileName];
      if (!chunk || chunk.type !== 'chunk' || marked.has(fileName)) return;
      marked.add(fileName);
      chunk.imports.forEach(mark);
    };
    for (const chunk of chunks) {
      const id = chunk.facadeModuleId ?? '';
      if (chunk.isEntry || firstScreen.some((path) => id.endsWith(path))) mark(chunk.fileName);
    }
    for (const fileName of marked) {
      const chunk = bundle[fileName];
      if (chunk?.type === 'chunk' && !chunk.code.startsWith(HINT)) chunk.code = HINT + chunk.code;
    }
  }
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
        if (!fileName.endsWith('.map') && !fileName.startsWith('.vite/'))
          files.set(fileName, output.type === 'chunk' ? output.code : output.source);
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
  plugins: [
    poCatalogs(),
    react(),
    tailwindcss(),
    compileHints(['src/routes/register/RegisterWizard.tsx']),
    serviceWorker(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed assets under /assets/ (the default) so NGINX can cache them for a year.
    assetsDir: 'assets',
    // Read by scripts/prerender.mjs (the chunks a prerendered page preloads), then deleted.
    manifest: true,
    rolldownOptions: {
      // The app (index.html → src/main.tsx), and the start script of the pages served prerendered
      // (src/boot.ts: it loads the app once their screen is painted; scripts/prerender.mjs links it)
      // with the module it runs first (src/reactDom.ts).
      input: {
        index: join(root, 'index.html'),
        boot: join(root, 'src/boot.ts'),
        'react-dom': join(root, 'src/reactDom.ts'),
      },
      // @oslrs/core is plain data and functions. Saying so lets a page that only needs the role
      // labels or LGA list skip the zod DTO modules (and zod itself) that the same entry re-exports.
      treeshake: {
        moduleSideEffects: [{ test: /[\\/]packages[\\/]core[\\/]src[\\/]/, sideEffects: false }],
      },
      output: {
        // Long-cached files for the libraries every page needs; app releases leave them unchanged. Three,
        // not one: a prerendered page's start (src/boot.ts) runs each in its own main-thread task.
        codeSplitting: {
          groups: [
            { name: 'vendor-react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'vendor-router', test: /[\\/]node_modules[\\/](react-router|cookie|set-cookie-parser)[\\/]/ },
            { name: 'vendor-query', test: /[\\/]node_modules[\\/]@tanstack[\\/]/ },
          ],
        },
      },
    },
  },
  server: { proxy: api },
  preview: { proxy: api },
});
