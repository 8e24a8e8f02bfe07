// The desktop shell's security rules (main/electron/content-policy.ts, ipc-guard.ts,
// launch-args.ts) are pure, so they are checked here in Node; Electron only applies them.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  RENDERER_ENTRY_URL,
  decideExternalLink,
  isAllowedRequestUrl,
  isAppUrl,
  isPageReload,
  isPermissionAllowed,
  isRendererPageUrl,
  resolveAppAsset,
  withSecurityHeaders,
} from '../../main/electron/content-policy.ts';
import { asBinaryMessage, checkSender } from '../../main/electron/ipc-guard.ts';
import { filePathsFromArgv, isChangesFilePath, isRendererNamedReportPath } from '../../main/electron/launch-args.ts';
import { windowTitle } from '../../main/electron/window-title.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('denies by default and allows scripts only from our own bundle', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('never allows inline or evaluated script, remote hosts, plugins, frames or <base>', () => {
    for (const values of csp.values()) {
      expect(values).not.toContain("'unsafe-eval'");
      expect(values.some((v) => /^(https?:|\*|wss?:)/.test(v))).toBe(false);
    }
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('style-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('replaces any policy a response carried instead of adding a weaker one', () => {
    const headers = withSecurityHeaders({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] });
    expect(headers['Content-Type']).toEqual(['text/html']);
    const cspHeaders = Object.keys(headers).filter((k) => k.toLowerCase() === 'content-security-policy');
    expect(cspHeaders).toEqual(['Content-Security-Policy']);
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['X-Content-Type-Options']).toEqual(['nosniff']);
  });
});

describe('which pages count as ours', () => {
  it('accepts the renderer page and nothing that merely resembles it', () => {
    expect(isRendererPageUrl(RENDERER_ENTRY_URL)).toBe(true);
    expect(isRendererPageUrl('plenary://app/')).toBe(true);
    expect(isRendererPageUrl('plenary://app/index.html#x')).toBe(true);
    for (const url of [
      'plenary://app/app.js',
      'plenary://evil/index.html',
      'plenary://user@app/index.html',
      'plenary://app:81/index.html',
      'file:///work/dist/renderer/index.html',
      'https://app/index.html',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isRendererPageUrl(url), url).toBe(false);
    }
    expect(isAppUrl('plenary://app/app.css')).toBe(true);
  });

  it('lets the renderer page reload itself and navigate nowhere else', () => {
    expect(isPageReload(RENDERER_ENTRY_URL, RENDERER_ENTRY_URL)).toBe(true);
    expect(isPageReload('plenary://app/index.html#top', RENDERER_ENTRY_URL)).toBe(true);
    for (const target of ['plenary://app/', 'plenary://app/app.js', 'plenary://evil/index.html', 'https://app/index.html', 'about:blank', 'not a url']) {
      expect(isPageReload(target, RENDERER_ENTRY_URL), target).toBe(false);
    }
    expect(isPageReload(RENDERER_ENTRY_URL, 'about:blank')).toBe(false);
  });
});

describe('links that leave the app', () => {
  it('hands web and e-mail links to the system', () => {
    expect(decideExternalLink('https://www.wgig.org/docs/WGIGREPORT.pdf')).toEqual({ action: 'open-external', url: 'https://www.wgig.org/docs/WGIGREPORT.pdf' });
    expect(decideExternalLink('http://example.org')).toEqual({ action: 'open-external', url: 'http://example.org/' });
    expect(decideExternalLink('mailto:secretariat@example.org')).toMatchObject({ action: 'open-external' });
  });

  it('refuses every other scheme, including disguised ones', () => {
    for (const url of [
      'javascript:alert(1)',
      'java\tscript:alert(1)',
      ' JAVASCRIPT:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'plenary://app/index.html',
      'smb://host/share',
      'ms-msdt:/id',
      'vbscript:x',
      '//example.org',
      'https:/example.org',
      '',
    ]) {
      expect(decideExternalLink(url).action, url).toBe('deny');
    }
  });

  it('refuses links that carry credentials', () => {
    expect(decideExternalLink('https://bank.example@evil.example/').action).toBe('deny');
  });
});

describe('permissions', () => {
  it('grants only writing copied text to the clipboard', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'clipboard-write']) {
      expect(isPermissionAllowed(p)).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });
});

describe('serving the renderer bundle', () => {
  const root = resolve('/srv/plenary/dist/renderer');

  it('maps our URLs to files inside the bundle with their content types', () => {
    expect(resolveAppAsset(root, 'plenary://app/index.html')).toEqual({ path: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAppAsset(root, 'plenary://app/')).toEqual({ path: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAppAsset(root, 'plenary://app/app.js?v=1')?.path).toBe(join(root, 'app.js'));
    expect(resolveAppAsset(root, 'plenary://app/assets/font%20one.woff2')).toEqual({ path: join(root, 'assets', 'font one.woff2'), contentType: 'font/woff2' });
  });

  it('never leaves the bundle', () => {
    for (const url of [
      'plenary://app/../../etc/passwd',
      'plenary://app/%2e%2e/%2e%2e/etc/passwd',
      'plenary://app/assets/..%2f..%2fsecret.js',
      'plenary://app/..%5c..%5csecret.js',
      'plenary://app/.hidden.js',
      'plenary://app/app.js%00.html',
      'plenary://app/%E0%A4%A',
      'plenary://other/app.js',
      'file:///srv/plenary/dist/renderer/app.js',
      'plenary://app/report.plenary',
      'plenary://app/script.sh',
    ]) {
      expect(resolveAppAsset(root, url), url).toBeNull();
    }
  });
});

describe('IPC sender validation', () => {
  const ours = (id: number): boolean => id === 7;
  const good = { webContentsId: 7, frameUrl: RENDERER_ENTRY_URL, isMainFrame: true };

  it('accepts the top frame of our window showing our renderer', () => {
    expect(checkSender(good, ours)).toEqual({ ok: true });
  });

  it('refuses other windows, subframes, gone frames and foreign pages', () => {
    expect(checkSender({ ...good, webContentsId: 8 }, ours)).toEqual({ ok: false, reason: 'not one of our report windows' });
    expect(checkSender({ ...good, isMainFrame: false }, ours)).toEqual({ ok: false, reason: 'not the top frame' });
    expect(checkSender({ ...good, frameUrl: undefined }, ours)).toEqual({ ok: false, reason: 'the sending frame is gone' });
    for (const frameUrl of ['https://evil.example/', 'file:///tmp/x.html', 'plenary://app/app.js', 'data:text/html,x']) {
      expect(checkSender({ ...good, frameUrl }, ours)).toEqual({ ok: false, reason: 'not our renderer page' });
    }
  });

  it('takes only binary y-protocols messages', () => {
    const bytes = new Uint8Array([0, 0, 1, 0]);
    expect(asBinaryMessage(bytes)).toBe(bytes);
    for (const value of ['0001', [0, 0, 1], { 0: 0 }, null, undefined, new ArrayBuffer(4)]) {
      expect(asBinaryMessage(value)).toBeNull();
    }
  });
});

describe('report files on the command line', () => {
  it('takes .plenary arguments, resolves them against the working directory and skips switches', () => {
    const argv = ['/opt/Plenary/plenary', '--no-sandbox', '--user-data-dir=/tmp/x.plenary', 'minutes.plenary', '/abs/Draft.PLENARY', 'notes.txt', 'minutes.plenary'];
    expect(filePathsFromArgv(argv, '/home/chair')).toEqual([resolve('/home/chair/minutes.plenary'), '/abs/Draft.PLENARY']);
  });

  it('takes changes files too, to import into their reports', () => {
    const argv = ['/opt/Plenary/plenary', 'Changes for Ana Díaz.plenary-changes', '/mail/Round.PLENARY-CHANGES', 'minutes.plenary', 'notes.plenary-changes.txt'];
    expect(filePathsFromArgv(argv, '/home/chair')).toEqual([resolve('/home/chair/Changes for Ana Díaz.plenary-changes'), '/mail/Round.PLENARY-CHANGES', resolve('/home/chair/minutes.plenary')]);
    expect(isChangesFilePath('/mail/Round.PLENARY-CHANGES')).toBe(true);
    expect(isChangesFilePath('/home/chair/minutes.plenary')).toBe(false);
  });

  it('treats everything after -- as files', () => {
    expect(filePathsFromArgv(['app', '--', '-odd.plenary'], '/w')).toEqual([resolve('/w/-odd.plenary')]);
  });
});

describe('requests a window may make', () => {
  it('allows our bundle and inline data, and DevTools only in development', () => {
    const production = { allowDevTools: false };
    expect(isAllowedRequestUrl('plenary://app/app.js', production)).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA', production)).toBe(true);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html', production)).toBe(false);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html', { allowDevTools: true })).toBe(true);
  });

  it('cancels everything remote or on disk', () => {
    for (const url of ['https://example.org/a.js', 'http://127.0.0.1:8080/', 'ws://127.0.0.1:1/', 'file:///etc/passwd', 'ftp://x/', 'plenary://elsewhere/x.js']) {
      expect(isAllowedRequestUrl(url, { allowDevTools: true }), url).toBe(false);
    }
  });
});

describe('window titles', () => {
  it('shows the report title, then the app', () => {
    expect(windowTitle('Report of the Working Group on Internet Governance')).toBe('Report of the Working Group on Internet Governance — Plenary');
  });

  it('names an untitled report and keeps a title on one short line', () => {
    expect(windowTitle('   ')).toBe('Untitled report — Plenary');
    expect(windowTitle('Draft\nwith\u0000breaks\u2028here')).toBe('Draft with breaks here — Plenary');
    const long = windowTitle('x'.repeat(500));
    expect(long.length).toBeLessThan(140);
    expect(long.endsWith('… — Plenary')).toBe(true);
  });
});

describe('paths the renderer names', () => {
  it('must be absolute .plenary files', () => {
    expect(isRendererNamedReportPath('/home/chair/Report.plenary')).toBe(true);
    expect(isRendererNamedReportPath('Report.plenary')).toBe(false);
    expect(isRendererNamedReportPath('/home/chair/.bashrc')).toBe(false);
    expect(isRendererNamedReportPath('/etc/passwd\u0000.plenary')).toBe(false);
  });
});
