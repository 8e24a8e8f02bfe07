import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportReport, exportReportFile, renderExport, EXPORT_FORMATS, type ExportProgress } from '../../main/services/export/export-report.ts';
import { ExportWriteError, writeFileAtomic } from '../../main/services/export/write-file.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { fixtureAnnex, fixtureDoc, fixtureMeta, reportWithStances } from '../unit/export-fixture.ts';

const writeFileModule = fileURLToPath(new URL('../../main/services/export/write-file.ts', import.meta.url));

/** Runs writeFileAtomic in a child process under `shell` set-up (limits, a small disk). */
function writeInChild(setup: string, target: string, bytes: number): { stdout: string; stderr: string; status: number | null } {
  const script = `import { writeFileAtomic } from ${JSON.stringify(writeFileModule)};
try { await writeFileAtomic(process.argv[1], new Uint8Array(${bytes}).fill(65)); console.log('written'); }
catch (e) { console.log(e.name + ': ' + e.message); }`;
  const quoted = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const result = spawnSync('sh', ['-c', `${setup} exec ${quoted(process.execPath)} --input-type=module -e ${quoted(script)} ${quoted(target)}`], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.part'));
}

describe('writing an export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plenary-export-write-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces an existing file whole, with no temporary file left', async () => {
    const path = join(dir, 'report.html');
    await writeFile(path, 'old export');
    await exportReport({ doc: fixtureDoc(), meta: fixtureMeta, annex: fixtureAnnex }, { format: 'html', options: DEFAULT_EXPORT_OPTIONS, path });
    const html = await readFile(path, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('writes every format but PDF without a printer, each under its own name', async () => {
    const ydoc = reportWithStances().doc;
    for (const format of EXPORT_FORMATS.filter((f) => f !== 'pdf')) {
      const path = join(dir, `all.${format}`);
      const { bytes } = await exportReportFile(ydoc, { format, options: DEFAULT_EXPORT_OPTIONS, path });
      expect((await readFile(path)).length).toBe(bytes);
    }
    await expect(exportReportFile(ydoc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path: join(dir, 'no.pdf') }))
      .rejects.toThrow('PDF export needs a printer');
    expect(await readdir(dir)).not.toContain('no.pdf');
  });

  it('cancelled while rendering: rejects with AbortError, old file kept, nothing left behind', async () => {
    const path = join(dir, 'cancel.docx');
    await writeFile(path, 'old export');
    const controller = new AbortController();
    const seen: ExportProgress[] = [];
    const attempt = exportReport({ doc: fixtureDoc(), meta: fixtureMeta, annex: fixtureAnnex }, { format: 'docx', options: DEFAULT_EXPORT_OPTIONS, path }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'rendering') controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.at(-1)?.phase).toBe('rendering');
    expect(await readFile(path, 'utf8')).toBe('old export');
    expect(await leftovers(dir)).toEqual([]);
  });

  it('cancelled while writing: the temporary file is removed', async () => {
    const path = join(dir, 'big.bin');
    const controller = new AbortController();
    const write = writeFileAtomic(path, new Uint8Array(64 << 20), controller.signal);
    controller.abort();
    await expect(write).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(dir)).not.toContain('big.bin');
    expect(await leftovers(dir)).toEqual([]);
  });

  it('a folder that does not exist gets a clear message', async () => {
    const path = join(dir, 'missing', 'report.md');
    const attempt = exportReport({ doc: fixtureDoc(), meta: fixtureMeta, annex: null }, { format: 'markdown', options: DEFAULT_EXPORT_OPTIONS, path });
    await expect(attempt).rejects.toBeInstanceOf(ExportWriteError);
    await expect(attempt).rejects.toThrow(`The folder ${join(dir, 'missing')} does not exist.`);
  });

  it('a file too large for the account\'s limit fails with a message; the old file stays whole', async () => {
    const path = join(dir, 'limited.pdf');
    await writeFile(path, 'old export');
    // ulimit -f counts 512-byte blocks in sh: 256 blocks = 128 KiB.
    const result = writeInChild("trap '' XFSZ; ulimit -f 256;", path, 1 << 20);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('ExportWriteError: The file limited.pdf is larger than this disk or account allows.');
    expect(await readFile(path, 'utf8')).toBe('old export');
    expect(await leftovers(dir)).toEqual([]);
  });

  it('a full disk fails with "The disk is full"; the old file stays whole', async (context) => {
    // A 256 KiB tmpfs in a mount namespace of its own: needs root and unshare (CI has both).
    const small = join(dir, 'small-disk');
    await mkdir(small, { recursive: true });
    const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=256k tmpfs '${small}'`], { encoding: 'utf8' });
    if (probe.status !== 0) {
      context.skip(`cannot mount a small tmpfs here (${probe.stderr.trim() || 'unshare failed'})`);
    }
    const target = join(small, 'report.docx');
    const script = `import { writeFileAtomic } from ${JSON.stringify(writeFileModule)};
try { await writeFileAtomic(process.argv[1], new Uint8Array(1 << 20)); console.log('written'); }
catch (e) { console.log(e.name + ': ' + e.message); }`;
    const listing = spawnSync('unshare', ['-m', 'sh', '-c',
      `mount -t tmpfs -o size=256k tmpfs "$0" && echo 'old export' > "$1" && "$2" --input-type=module -e "$3" "$1"; echo "--"; cat "$1"; ls -a "$0"`,
      small, target, process.execPath, script], { encoding: 'utf8', timeout: 30_000 });
    const [message, after] = listing.stdout.split('--\n');
    expect(message!.trim()).toBe('ExportWriteError: The disk is full: could not write report.docx. Free some space or choose another place.');
    // Inside the namespace, after the failure: the old file whole, no temporary file.
    expect(after!.split('\n').filter(Boolean)).toEqual(['old export', '.', '..', 'report.docx']);
  });

  it('renders the same bytes for the same report (deterministic output)', async () => {
    const source = { doc: fixtureDoc(), meta: fixtureMeta, annex: fixtureAnnex };
    for (const format of ['html', 'akn', 'markdown'] as const) {
      const a = await renderExport(source, format, DEFAULT_EXPORT_OPTIONS);
      const b = await renderExport(source, format, DEFAULT_EXPORT_OPTIONS);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }
  });
});

describe('cancelling a long export from outside', () => {
  it('a cancel that arrives from the event loop (as an IPC message does) stops a DOCX export', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plenary-export-cancel-'));
    try {
      const path = join(dir, 'long.docx');
      const big = fixtureDoc().type.create(null, Array.from({ length: 100 }, () => {
        const nodes: ReturnType<typeof fixtureDoc>[] = [];
        fixtureDoc().forEach((n) => nodes.push(n));
        return nodes;
      }).flat());
      const controller = new AbortController();
      const fractions: number[] = [];
      const attempt = exportReport({ doc: big, meta: fixtureMeta, annex: fixtureAnnex }, { format: 'docx', options: DEFAULT_EXPORT_OPTIONS, path }, {
        signal: controller.signal,
        onProgress: (p) => fractions.push(p.fraction),
      });
      setImmediate(() => controller.abort());
      await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
      // It stopped while building the document, long before its end (0.65).
      expect(Math.max(...fractions)).toBeLessThan(0.3);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
