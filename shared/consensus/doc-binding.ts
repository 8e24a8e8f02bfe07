/**
 * Keeps a ConsensusEngine in step with a report's Y.Doc: stances ('endorsements'),
 * roster ('roster') and the rule and report-defined groups ('meta'). Blocks come from
 * the ProseMirror doc, which only the caller has (the editor in the renderer, a
 * converted body in main): feed them with `engine.updateBlocks(updateBlocks(...))`.
 */
import type * as Y from 'yjs';
import { endorsementsOf, metaOf, readMeta, rosterOf } from '../ydoc.ts';
import { readRoster } from '../roster.ts';
import { META_GROUPS_KEY, reportGroups } from '../stakeholders.ts';
import { candidatesAt, endorsementKeys } from '../endorsement-store.ts';
import type { BlockIndex } from '../report-blocks.ts';
import type { SignatureVerifier } from '../stance-status.ts';
import { ConsensusEngine, type StanceSource } from './engine.ts';
import { groupDimension, type Dimension } from './tally.ts';

/** The 'endorsements' map as a stance source (concurrent writes resolved, see endorsement-store.ts). */
export function yMapStanceSource(map: Y.Map<unknown>): StanceSource {
  return { keys: () => endorsementKeys(map), candidates: (key) => candidatesAt(map, key) };
}

/** Plain data as a stance source (tests, exports of frozen versions). */
export function plainStanceSource(map: ReadonlyMap<string, unknown>): StanceSource {
  return { keys: () => map.keys(), candidates: (key) => (map.has(key) ? [map.get(key)] : []) };
}

export interface DocEngineOptions {
  /** Columns; the report's stakeholder groups (built-in and its own) by default. */
  dimension?: Dimension;
}

/**
 * An engine over the doc's current state, kept up to date until `stop` is called.
 * With no `dimension`, the columns follow the report's stakeholder groups as they change.
 */
export function bindConsensusToDoc(
  doc: Y.Doc,
  blocks: BlockIndex,
  verifier: SignatureVerifier,
  options: DocEngineOptions = {},
): { engine: ConsensusEngine; stop: () => void } {
  const endorsements = endorsementsOf(doc);
  const engine = new ConsensusEngine({
    blocks,
    roster: readRoster(doc),
    stances: yMapStanceSource(endorsements),
    verifier,
    rule: readMeta(doc).consensusRule,
    dimension: options.dimension ?? groupDimension(reportGroups(doc)),
  });
  const onStances = (event: Y.YMapEvent<unknown>): void => {
    engine.updateStances(event.keysChanged);
  };
  const onRoster = (): void => {
    engine.setRoster(readRoster(doc));
  };
  const onMeta = (event: Y.YMapEvent<unknown>): void => {
    if (event.keysChanged.has('consensusRule')) engine.setRule(readMeta(doc).consensusRule);
    if (event.keysChanged.has(META_GROUPS_KEY) && !options.dimension) {
      engine.setDimension(groupDimension(reportGroups(doc)));
      // Members of a newly added group were unreadable before it existed.
      engine.setRoster(readRoster(doc));
    }
  };
  endorsements.observe(onStances);
  rosterOf(doc).observe(onRoster);
  metaOf(doc).observe(onMeta);
  return {
    engine,
    stop: () => {
      endorsements.unobserve(onStances);
      rosterOf(doc).unobserve(onRoster);
      metaOf(doc).unobserve(onMeta);
      engine.dispose();
    },
  };
}
