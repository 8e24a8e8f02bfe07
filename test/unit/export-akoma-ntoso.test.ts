import { describe, expect, it } from 'vitest';
import { AKN_NAMESPACE, renderAkomaNtoso } from '../../shared/export/akoma-ntoso.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { schema } from '../../shared/schema.ts';
import { fixtureAnnex, fixtureDoc, fixtureMeta } from './export-fixture.ts';
import { assertWellFormed, parseXml } from './export-xml.ts';

function akn(doc = fixtureDoc(), options = DEFAULT_EXPORT_OPTIONS, meta = fixtureMeta): string {
  return renderAkomaNtoso(buildExportDocument({ doc, numbers: blockNumbers(doc), meta, options, annex: fixtureAnnex }));
}

function elements(root: Document | Element, name: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(AKN_NAMESPACE, name));
}

function childNamed(el: Element, name: string): Element | undefined {
  return Array.from(el.childNodes).find((n): n is Element => n.nodeType === 1 && (n as Element).localName === name);
}

describe('Akoma Ntoso export', () => {
  it('is well-formed XML in the AKN 3.0 namespace with a report doc, meta, preface and mainBody', () => {
    const xml = akn();
    assertWellFormed(xml);
    const dom = parseXml(xml);
    const root = dom.documentElement!;
    expect(root.localName).toBe('akomaNtoso');
    expect(root.namespaceURI).toBe(AKN_NAMESPACE);
    const doc = elements(dom, 'doc')[0]!;
    expect(doc.getAttribute('name')).toBe('report');
    expect(childNamed(doc, 'meta')).toBeDefined();
    expect(childNamed(doc, 'preface')).toBeDefined();
    expect(childNamed(doc, 'mainBody')).toBeDefined();
    const frbr = elements(dom, 'FRBRWork')[0]!;
    expect(childNamed(frbr, 'FRBRthis')!.getAttribute('value')).toBe('/akn/un/doc/report/2005-06-18/wgig-2005/!main');
    expect(elements(dom, 'docTitle')[0]!.textContent).toBe(fixtureMeta.title);
  });

  it('numbers paragraphs and sections as the editor does, with eIds from block ids', () => {
    const dom = parseXml(akn());
    const mainBody = elements(dom, 'mainBody')[0]!;
    const paragraphs = elements(mainBody, 'paragraph').filter((p) => childNamed(p, 'num'));
    expect(paragraphs.map((p) => childNamed(p, 'num')!.textContent)).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.']);
    expect(paragraphs.map((p) => p.getAttribute('eId'))).toEqual([
      'para_pre-amble', 'para_para-two', 'para_para-three', 'para_para-four', 'para_para-five', 'para_para-six', 'para_para-seven',
    ]);
    const sections = elements(mainBody, 'section');
    expect(sections.map((s) => `${s.getAttribute('eId')} ${childNamed(s, 'num')!.textContent}`)).toEqual([
      'sec_sec-intro I.', 'sec_sec-policy II.', 'sec_sec-infra A.', 'sec_sec-costs 1.', 'sec_sec-security B.',
    ]);
    // A level-2 heading's section sits inside the level-1 section before it.
    const infra = sections.find((s) => s.getAttribute('eId') === 'sec_sec-infra')!;
    expect((infra.parentNode as Element).getAttribute('eId')).toBe('sec_sec-policy');
    // The list after paragraph 4 belongs to it, in its content.
    const four = paragraphs[3]!;
    expect(elements(four, 'ol')).toHaveLength(1);
    // The unsafe link lost its target; the safe one kept it.
    expect(elements(dom, 'a').map((a) => a.getAttribute('href'))).toEqual(['https://www.wgig.org/mandate']);
  });

  it('keeps the eIds when paragraphs are renumbered', () => {
    const doc = fixtureDoc();
    const inserted = doc.type.create(doc.attrs, [schema.node('paragraph', { id: 'new-first' }, [schema.text('New.')]), ...childrenOf(doc)]);
    const dom = parseXml(akn(inserted));
    const two = elements(dom, 'paragraph').find((p) => p.getAttribute('eId') === 'para_para-two')!;
    expect(childNamed(two, 'num')!.textContent).toBe('3.');
  });

  it('puts the annex in an attachment whose references point at the paragraphs', () => {
    const dom = parseXml(akn());
    const attachment = elements(dom, 'attachment')[0]!;
    expect(attachment.getAttribute('eId')).toBe('att_1');
    expect(elements(attachment, 'doc')[0]!.getAttribute('name')).toBe('annex');
    const refs = elements(attachment, 'ref').map((r) => `${r.getAttribute('href')} ${r.textContent}`);
    expect(refs).toEqual(['#para_para-two 2.', '#para_para-six 6.']);
    expect(attachment.textContent).toContain('Objection');
  });

  it('stays well-formed with markup characters and XML-illegal control characters in text and meta', () => {
    const doc = schema.nodeFromJSON({ type: 'doc', content: [
      { type: 'paragraph', attrs: { id: 'odd-one' }, content: [{ type: 'text', text: 'a < b && c > "d" \u0001\u000b \'e\' ]]> \uFFFE' }] },
      { type: 'heading', attrs: { id: 'odd:id/with spaces', level: 1 }, content: [{ type: 'text', text: '<script>' }] },
    ] });
    const xml = akn(doc, DEFAULT_EXPORT_OPTIONS, { ...fixtureMeta, title: 'A & B <c>', place: '"Q"' });
    assertWellFormed(xml);
    const dom = parseXml(xml);
    expect(elements(dom, 'docTitle')[0]!.textContent).toBe('A & B <c>');
    expect(elements(dom, 'section')[0]!.getAttribute('eId')).toBe('sec_odd_id_with_spaces');
    expect(elements(dom, 'p').some((p) => p.textContent === 'a < b && c > "d"  \'e\' ]]> ')).toBe(true);
  });

  it('gives duplicate block ids distinct eIds', () => {
    const doc = schema.nodeFromJSON({ type: 'doc', content: [
      { type: 'paragraph', attrs: { id: 'twin' }, content: [{ type: 'text', text: 'One' }] },
      { type: 'paragraph', attrs: { id: 'twin' }, content: [{ type: 'text', text: 'Two' }] },
    ] });
    const eIds = elements(parseXml(akn(doc)), 'paragraph').map((p) => p.getAttribute('eId'));
    expect(new Set(eIds).size).toBe(eIds.length);
  });
});

function childrenOf(doc: ReturnType<typeof fixtureDoc>): ReturnType<typeof fixtureDoc>[] {
  const out: ReturnType<typeof fixtureDoc>[] = [];
  doc.forEach((child) => out.push(child));
  return out;
}
