/**
 * Real XML parsers for the export tests: sax in strict mode (well-formedness, namespace
 * bindings) and @xmldom/xmldom for queries. Both are in node_modules as dependencies of
 * dependencies (electron-builder, mammoth), loaded here without adding either.
 */
import { createRequire } from 'node:module';
import { DOMParser } from '@xmldom/xmldom';

interface SaxParser {
  onerror: (error: Error) => void;
  write(text: string): SaxParser;
  close(): SaxParser;
}
interface SaxModule {
  parser(strict: boolean, options: { xmlns: boolean }): SaxParser;
}

const sax = createRequire(import.meta.url)('sax') as SaxModule;

/** Throws with sax's message (line and column) when the text is not well-formed XML. */
export function assertWellFormed(xml: string): void {
  const parser = sax.parser(true, { xmlns: true });
  parser.onerror = (error) => {
    throw error;
  };
  parser.write(xml).close();
}

export function parseXml(xml: string): Document {
  const problems: string[] = [];
  const record = (msg: unknown): void => void problems.push(String(msg));
  const doc = new DOMParser({ errorHandler: { warning: record, error: record, fatalError: record } }).parseFromString(xml, 'text/xml');
  if (problems.length > 0) throw new Error(`XML problems: ${problems.join('; ')}`);
  return doc as unknown as Document;
}
