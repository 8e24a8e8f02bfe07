import { describe, expect, it } from 'vitest';
import { sanitizeHref, sanitizeLinkMarks } from '../../shared/links.ts';

describe('sanitizeHref', () => {
  const good: [string, string][] = [
    ['https://www.itu.int/wsis/', 'https://www.itu.int/wsis/'],
    ['http://example.org/a?b=c#d', 'http://example.org/a?b=c#d'],
    ['HTTPS://EXAMPLE.ORG', 'HTTPS://EXAMPLE.ORG'],
    ['  https://example.org/  ', 'https://example.org/'],
    ['\nhttps://example.org', 'https://example.org'],
    ['mailto:secretariat@example.org', 'mailto:secretariat@example.org'],
    ['MAILTO:chair@example.org?subject=Draft', 'MAILTO:chair@example.org?subject=Draft'],
  ];
  it.each(good)('keeps %j', (input, expected) => {
    expect(sanitizeHref(input)).toBe(expected);
  });

  const evil: string[] = [
    'javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    ' JAVASCRIPT:alert(1)',
    '\u0000javascript:alert(1)',
    'jav\u0001ascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.org/',
    'blob:https://example.org/x',
    '//evil.example/',
    '\\\\evil.example\\share',
    '/relative/path',
    'relative/path',
    '#fragment',
    '?query',
    'https:evil.example',
    'http://',
    'https:///path',
    'https://exa mple.org',
    'https://example.org/\u0007',
    'jav&#x09;ascript:alert(1)',
    '',
    '   ',
  ];
  it.each(evil)('refuses %j', (input) => {
    expect(sanitizeHref(input)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(sanitizeHref(42 as unknown as string)).toBeNull();
    expect(sanitizeHref(null as unknown as string)).toBeNull();
  });
});

describe('sanitizeLinkMarks', () => {
  it('drops bad links from JSON, keeps their text and the good links, leaves the input alone', () => {
    const link = (href: unknown) => ({ type: 'link', attrs: { href, title: null } });
    const input = {
      type: 'doc',
      content: [{
        type: 'paragraph',
        attrs: { id: 'aaaa' },
        content: [
          { type: 'text', text: 'evil', marks: [link('javascript:alert(1)'), { type: 'strong' }] },
          { type: 'text', text: 'good', marks: [link(' https://example.org ')] },
          { type: 'text', text: 'odd', marks: [link(17)] },
        ],
      }],
    };
    const before = JSON.stringify(input);
    const { doc, dropped } = sanitizeLinkMarks(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(dropped).toBe(2);
    const texts = doc.content[0]!.content;
    expect(texts[0]).toEqual({ type: 'text', text: 'evil', marks: [{ type: 'strong' }] });
    expect(texts[1]!.marks).toEqual([link('https://example.org')]);
    expect(texts[2]!.marks).toEqual([]);
  });
});
