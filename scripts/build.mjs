// Builds every entry point with esbuild into dist/. Main and the hosts are bundled so
// that Yjs is loaded exactly once (a require() and an import() copy break instanceof).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// Built beside dist/ and swapped in at the end: `npm run server` and `npm run web` started
// at once (two terminals) each build, and a build that emptied dist/ first took the files
// from under the other's starting host.
const out = join(root, `dist.building-${process.pid}`);
const production = process.env.NODE_ENV === 'production';

const entries = [
  // The sandboxed renderer: one script and one stylesheet, no remote content.
  { src: 'renderer/main.ts', out: 'renderer/app.js', platform: 'browser', format: 'iife' },
  // Electron main and preload: CommonJS, as a sandboxed preload must be.
  // update-guard.ts finds Yjs for its worker with require.resolve here (packaged as files
  // of their own, electron-builder.yml) and reaches import.meta.url only in ESM builds:
  // esbuild's two warnings about that are expected, so they are not printed.
  {
    src: 'main/electron/main.ts', out: 'main/electron.cjs', platform: 'node', format: 'cjs', external: ['electron', 'better-sqlite3'],
    logOverride: { 'empty-import-meta': 'silent', 'require-resolve-not-external': 'silent' },
  },
  { src: 'main/electron/preload.ts', out: 'main/preload.cjs', platform: 'node', format: 'cjs', external: ['electron'] },
  // Node hosts: the browser host and the standing sync server.
  { src: 'main/host/web.ts', out: 'host/web.mjs', platform: 'node', format: 'esm', packagesExternal: true },
  { src: 'main/host/sync-server.ts', out: 'host/sync-server.mjs', platform: 'node', format: 'esm', packagesExternal: true },
];

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'renderer'), { recursive: true });

const started = Date.now();
process.on('exit', () => rmSync(out, { recursive: true, force: true })); // a failed build leaves nothing
await Promise.all(entries.filter((e) => existsSync(join(root, e.src))).map((e) => build({
  entryPoints: [join(root, e.src)],
  outfile: join(out, e.out),
  bundle: true,
  platform: e.platform,
  format: e.format,
  target: e.platform === 'browser' ? 'chrome130' : 'node22',
  external: e.external ?? [],
  packages: e.packagesExternal ? 'external' : undefined,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  logOverride: e.logOverride,
  legalComments: 'none',
  loader: { '.woff2': 'file', '.svg': 'text' },
})));

if (existsSync(join(root, 'renderer/index.html'))) cpSync(join(root, 'renderer/index.html'), join(out, 'renderer/index.html'));
for (const dir of ['renderer/assets']) {
  if (existsSync(join(root, dir))) cpSync(join(root, dir), join(out, dir), { recursive: true });
}
for (let attempt = 0; ; attempt++) {
  const old = join(root, `dist.old-${process.pid}-${attempt}`);
  try {
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(out, dist);
    rmSync(old, { recursive: true, force: true });
    break;
  } catch (error) {
    // Another build swapped its dist/ in between: set that one aside too and try again.
    if (attempt >= 5) throw error;
  }
}
console.log(`Built dist/ in ${Date.now() - started} ms`);
