// What the packaged desktop app is made of, checked without building it (packaging needs
// network access to fetch Electron): electron-builder.yml as electron-builder itself
// loads and validates it, the icons it points at, and the native module it ships.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// app-builder-lib is electron-builder's own library; resolve it through electron-builder.
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const builderConfig = requireFromBuilder('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debug: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};
const quiet = { isEnabled: false, add: () => undefined };

type Config = {
  appId: string;
  productName: string;
  asar: boolean;
  npmRebuild: boolean;
  files: Array<string | { filter: string[] }>;
  electronFuses: Record<string, boolean>;
  fileAssociations: Array<{ ext: string; name: string; mimeType: string }>;
  linux: { target: string[]; category: string; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; hardenedRuntime: boolean; icon: string };
};

let loaded: Promise<Config> | null = null;
function loadConfig(): Promise<Config> {
  loaded ??= builderConfig.getConfig(root, null, null) as unknown as Promise<Config>;
  return loaded;
}

function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path);
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('is accepted by electron-builder\'s own schema, which refuses a misspelt option', async () => {
    const config = await loadConfig();
    await expect(builderConfig.validateConfiguration(config as unknown as Record<string, unknown>, quiet)).resolves.toBeUndefined();
    const misspelt = { ...config, linux: { ...config.linux, categroy: 'Office' } };
    await expect(builderConfig.validateConfiguration(misspelt, quiet)).rejects.toThrow(/configuration/);
  });

  it('builds Plenary for Linux (AppImage, deb), Windows (NSIS) and macOS (dmg, hardened runtime)', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('org.plenary.app');
    expect(config.productName).toBe('Plenary');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Office');
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
  });

  it('opens .plenary files as Plenary reports, and .plenary-changes files to import into theirs', async () => {
    const config = await loadConfig();
    expect(config.fileAssociations).toEqual([
      expect.objectContaining({ ext: 'plenary', name: 'Plenary report', mimeType: 'application/x-plenary-report' }),
      expect.objectContaining({ ext: 'plenary-changes', name: 'Plenary changes', mimeType: 'application/x-plenary-changes' }),
    ]);
  });

  it('packs the bundle into an asar with the fuses that keep it from being repurposed', async () => {
    const config = await loadConfig();
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    // electron-builder normalises `files` into file sets with filters.
    const patterns = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter));
    expect(patterns).toEqual(expect.arrayContaining(['package.json', 'dist/**/*', 'resources/**/*']));
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/electron.cjs');
  });

  it('ships every module the main bundle leaves external (node_modules is otherwise left out)', async () => {
    const config = await loadConfig();
    const patterns = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter));
    expect(patterns).toContain('!node_modules/**/*');
    const buildScript = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8');
    const mainEntry = /\{[^}]*'main\/electron\/main\.ts'[^}]*external:\s*\[([^\]]*)\][^}]*\}/.exec(buildScript);
    expect(mainEntry, 'scripts/build.mjs bundles main/electron/main.ts with an external list').not.toBeNull();
    const externals = [...mainEntry![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!).filter((name) => name !== 'electron');
    expect(externals.length).toBeGreaterThan(0);
    for (const name of externals) {
      expect(patterns.filter((p) => p.startsWith(`node_modules/${name}/`)), `electron-builder.yml ships ${name}`).not.toEqual([]);
    }
  });

  it('points at icons that exist: square PNGs per size for Linux, an .ico and an .icns', async () => {
    const config = await loadConfig();
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(root, config.linux.icon, `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
    const ico = readFileSync(join(root, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5);
    const icns = readFileSync(join(root, config.mac.icon));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });
});

describe('native modules', () => {
  it('better-sqlite3 ships a Node-API binary for this platform, so Node and Electron load the same file', () => {
    const requireHere = createRequire(import.meta.url);
    const packageDir = dirname(requireHere.resolve('better-sqlite3/package.json'));
    const prebuilt = join(packageDir, 'prebuilds', `${process.platform}-${process.arch}.node`);
    const built = join(packageDir, 'build', 'Release', 'better_sqlite3.node');
    const binary = existsSync(built) ? built : prebuilt;
    expect(existsSync(binary), `${binary} exists`).toBe(true);
    const bytes = readFileSync(binary).toString('latin1');
    // A Node-API addon registers through napi_register_module_v1; an ABI-specific one
    // through node_register_module_v<ABI>, which Electron could not load.
    expect(bytes).toContain('napi_register_module_v1');
    expect(bytes).not.toMatch(/node_register_module_v\d+/);
  });
});
