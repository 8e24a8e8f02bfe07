/**
 * The layout of a report's Y.Doc (DESIGN.md, "One Y.Doc per report"), with typed
 * accessors so no code spells a shared type's name twice.
 *
 * The doc is created with `gc: false` so named versions can be rendered and compared.
 */
import * as Y from 'yjs';

/** Origins of every Yjs transaction we make, so observers can tell echo from news. */
export const Origin = {
  /** An update received from a peer through the sync protocol. */
  remote: 'plenary:remote',
  /** An update loaded from the report file. */
  load: 'plenary:load',
  /** A change made by the local user through the editor (y-prosemirror uses its own key). */
  local: 'plenary:local',
  /** The sample report or a template written into a new doc. */
  seed: 'plenary:seed',
  /** An update bundle imported from a file. */
  bundle: 'plenary:bundle',
  /** A Markdown or Word draft imported from a file (File → Import…). */
  import: 'plenary:import',
  /** An update from a guest of a meeting this app hosts (main/services/sync/meeting-host.ts). */
  meeting: 'plenary:meeting',
} as const;

export type OriginName = (typeof Origin)[keyof typeof Origin];

export const ROOT = {
  body: 'body',
  meta: 'meta',
  roster: 'roster',
  endorsements: 'endorsements',
  comments: 'comments',
  versions: 'versions',
} as const;

/** Fields of the report's 'meta' map. */
export interface ReportMeta {
  id: string;
  title: string;
  /** Name of the consensus rule (see consensus math); 'default' unless the chair chose. */
  consensusRule: string;
  chairPublicKey?: string;
  /** ISO time the report was created. */
  created: string;
  /** Body that issues the report, e.g. "Working Group on Internet Governance". */
  body?: string;
  place?: string;
  date?: string;
}

export function createReportDoc(): Y.Doc {
  return new Y.Doc({ gc: false });
}

export function bodyOf(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(ROOT.body);
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.meta);
}

export function rosterOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.roster);
}

export function endorsementsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.endorsements);
}

export function commentsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(ROOT.comments);
}

export function versionsOf(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray(ROOT.versions);
}

/** The report's meta as plain data; missing fields read as empty. */
export function readMeta(doc: Y.Doc): ReportMeta {
  const meta = metaOf(doc);
  const str = (key: string): string => {
    const value = meta.get(key);
    return typeof value === 'string' ? value : '';
  };
  const optional = (key: string): string | undefined => {
    const value = meta.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    id: str('id'),
    title: str('title'),
    consensusRule: str('consensusRule') || 'default',
    chairPublicKey: optional('chairPublicKey'),
    created: str('created'),
    body: optional('body'),
    place: optional('place'),
    date: optional('date'),
  };
}

/** Writes meta fields in one transaction. */
export function writeMeta(doc: Y.Doc, fields: Partial<ReportMeta>, origin: OriginName = Origin.local): void {
  doc.transact(() => {
    const meta = metaOf(doc);
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) meta.set(key, value);
    }
  }, origin);
}

/**
 * Whether a transaction changed the doc: it deleted something, or some client's clock
 * moved (a transaction may also change nothing, e.g. an update that was already here).
 */
export function transactionChangedDoc(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of transaction.afterState) if ((transaction.beforeState.get(client) ?? 0) !== clock) return true;
  return false;
}
