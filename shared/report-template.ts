/**
 * Report templates: what a new report starts with. A template is the report's meta
 * (title, issuing body, place, date) and its body as ProseMirror JSON in the report
 * schema. Two exist: the blank report of File → New, and the WGIG-style sample report
 * (resources/sample-report.json, written by us) that a first run opens.
 *
 * `seedReport` writes a template into an empty Y.Doc in one transaction (Origin.seed),
 * with a fresh report id and creation time; block ids are kept where the template has
 * valid unique ones and made fresh otherwise.
 */
import type * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { uuidv4 } from 'lib0/random';
import { schema } from './schema.ts';
import { ensureUniqueIds } from './block-ids.ts';
import { bodyOf, Origin, readMeta, writeMeta, type ReportMeta } from './ydoc.ts';
import sampleReport from '../resources/sample-report.json' with { type: 'json' };

/** A ProseMirror node as JSON (`Node.toJSON()`). */
export interface NodeJSON {
  type: string;
  attrs?: Record<string, unknown>;
  content?: NodeJSON[];
  text?: string;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  [key: string]: unknown;
}

export interface ReportTemplate {
  meta: { title: string; body?: string; place?: string; date?: string };
  /** The body: a `doc` node of shared/schema.ts. */
  doc: NodeJSON;
}

/** File → New: a title, one heading and one empty paragraph to type in. */
export const BLANK_REPORT_TEMPLATE: ReportTemplate = {
  meta: { title: 'Untitled report' },
  doc: {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Introduction' }] },
      { type: 'paragraph' },
    ],
  },
};

/** The template File → New uses. */
export const REPORT_TEMPLATE = BLANK_REPORT_TEMPLATE;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * Checks that untrusted JSON is a usable template: a title, and a body that is a valid
 * document of the report schema. Returns it typed; throws TemplateError otherwise.
 */
export function parseReportTemplate(value: unknown): ReportTemplate {
  const template = value as Partial<ReportTemplate> | null;
  if (!template || typeof template !== 'object' || !template.meta || typeof template.meta.title !== 'string') {
    throw new TemplateError('A report template needs meta.title.');
  }
  for (const key of ['body', 'place', 'date'] as const) {
    const field = template.meta[key];
    if (field !== undefined && typeof field !== 'string') throw new TemplateError(`meta.${key} must be text.`);
  }
  if (!template.doc || typeof template.doc !== 'object' || template.doc.type !== 'doc') {
    throw new TemplateError('A report template needs a body of type "doc".');
  }
  try {
    schema.nodeFromJSON(template.doc).check();
  } catch (error) {
    throw new TemplateError(`The template's body does not fit the report schema: ${(error as Error).message}`);
  }
  return template as ReportTemplate;
}

/** The WGIG-style sample report (resources/sample-report.json). */
export const SAMPLE_REPORT_TEMPLATE: ReportTemplate = parseReportTemplate(sampleReport);

/**
 * Writes `template` into an empty report doc: body and meta in one transaction with
 * Origin.seed. `meta` overrides (a given id or creation time, say); by default the
 * report gets a fresh id and the current time. Returns the meta written.
 */
export function seedReport(doc: Y.Doc, template: ReportTemplate, meta: Partial<ReportMeta> = {}): ReportMeta {
  const checked = parseReportTemplate(template);
  const body = bodyOf(doc);
  if (body.length > 0) throw new TemplateError('seedReport writes into an empty report only.');
  const { doc: json } = ensureUniqueIds(checked.doc);
  doc.transact(() => {
    prosemirrorJSONToYXmlFragment(schema, json, body);
    writeMeta(doc, {
      ...checked.meta,
      consensusRule: 'default',
      id: uuidv4(),
      created: new Date().toISOString(),
      ...meta,
    }, Origin.seed);
  }, Origin.seed);
  return readMeta(doc);
}
