// After `vite build`: renders the public site (src/site) to static HTML in every language, and the
// registration wizard's first screen into a copy of index.html per language (dist/prerendered/), then
// precompresses the build (brotli and gzip beside each text file) for the API's static server and
// NGINX. Usage: node scripts/prerender.mjs (from apps/web; `npm run build` runs it).
// Contact details on the pages come from OSLRS_HELPDESK_PHONE (none: the page gives email only),
// OSLRS_HELPDESK_EMAIL and OSLRS_DPO_EMAIL.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, 'dist');
const ssrOut = join(web, 'node_modules/.prerender');

await build({
  root: web,
  configFile: join(web, 'vite.config.ts'),
  logLevel: 'warn',
  build: { ssr: 'src/site/prerender.tsx', outDir: ssrOut, emptyOutDir: true, copyPublicDir: false },
});
const entry = readdirSync(ssrOut).find((f) => /^prerender\.m?js$/.test(f));
const { renderSite, renderRegister } = await import(pathToFileURL(join(ssrOut, entry)).href);

// The stylesheet(s) the app's index.html links: the prerendered pages share them.
const index = readFileSync(join(dist, 'index.html'), 'utf8');
const head = [...index.matchAll(/<link rel="stylesheet"[^>]*>/g)].map((m) => m[0]).join('\n    ');
if (!head) throw new Error('dist/index.html links no stylesheet');

const contacts = {
  phone: process.env.OSLRS_HELPDESK_PHONE || 'none',
  email: process.env.OSLRS_HELPDESK_EMAIL || 'helpdesk@oslrs.oyostate.gov.ng',
  dpoEmail: process.env.OSLRS_DPO_EMAIL || 'dpo@oslrs.oyostate.gov.ng',
};
rmSync(join(dist, 'site'), { recursive: true, force: true });
const pages = renderSite({ head, contacts });
for (const page of pages) {
  mkdirSync(dirname(join(dist, page.file)), { recursive: true });
  writeFileSync(join(dist, page.file), page.html);
}

// /register in each language: index.html with the wizard's first screen, started by src/boot.ts with
// the chunks that screen needs (Vite's manifest names them; it is not served, so it goes once read).
const manifestFile = join(dist, '.vite/manifest.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
rmSync(join(dist, '.vite'), { recursive: true, force: true });
const chunk = (suffix) => {
  const key = Object.keys(manifest).find((k) => k.endsWith(suffix));
  if (!key) throw new Error(`the build's manifest has no ${suffix}`);
  return key;
};
// A chunk and everything it imports, dependencies first (each after what it imports).
const withImports = (key, seen = new Set()) => {
  if (seen.has(key)) return seen;
  for (const imported of manifest[key].imports ?? []) withImports(imported, seen);
  seen.add(key);
  return seen;
};
rmSync(join(dist, 'prerendered'), { recursive: true, force: true });
const asset = (key) => `/${manifest[key].file}`;
const boot = chunk('src/boot.ts');
const bootImports = [...withImports(boot)].filter((k) => k !== boot);
const appPages = renderRegister({
  shell: index,
  boot: { src: asset(boot), imports: bootImports.map(asset) },
  // React DOM's start-up, the app's entry, the wizard's route module and the language's messages,
  // each after what it imports.
  modules: (locale) => {
    const order = new Set(bootImports);
    for (const key of [
      chunk('src/reactDom.ts'), // React DOM's start-up first, in a task of its own
      chunk('src/routes/register/RegisterWizard.tsx'),
      chunk(`i18n/locales/${locale}.po`),
      'index.html',
    ])
      withImports(key, order);
    return [...order].filter((k) => !bootImports.includes(k)).map(asset);
  },
});
for (const page of appPages) {
  mkdirSync(dirname(join(dist, page.file)), { recursive: true });
  writeFileSync(join(dist, page.file), page.html);
}
rmSync(ssrOut, { recursive: true, force: true });

// Precompressed copies of every text file over 1 KB (the server picks one by Accept-Encoding).
const TEXT = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|xml|map)$/;
let compressed = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !TEXT.test(entry.name) || entry.name.endsWith('.map')) continue;
  const file = join(entry.parentPath, entry.name);
  if (statSync(file).size < 1024) continue;
  const body = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  compressed++;
}
process.stdout.write(
  `prerendered ${pages.length} public pages and ${appPages.length} app pages; precompressed ${compressed} files (brotli, gzip)\n`,
);
