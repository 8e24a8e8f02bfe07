/**
 * What an import checks of a decoded bundle before applying it: that it is for the open
 * report, that this copy has what it builds on, and (format 5) that its stance texts can
 * be rebuilt from items at hand. Each refusal is a BundleError written for the user.
 */
import * as Y from 'yjs';
import { BundleError, MALFORMED, type Bundle } from './bundle.ts';
import { MissingItemsError, restoreStanceTexts, type ItemText } from './bundle-stances.ts';
import { textHash } from './text-hash.ts';

/**
 * A format 5 bundle with its stance records whole again, rebuilt from the items of
 * `itemText` (the report's own, or those of other bundles of the same import): the update
 * the sender's Yjs wrote. Throws BundleError: 'missing-earlier' when the items are not
 * there, 'damaged' when the update does not hold what the references say.
 */
export function restoreBundleStances(bundle: Bundle, itemText: ItemText, hashHex: (text: string) => string = textHash): Bundle {
  if (!bundle.stanceRefs?.length) return bundle;
  try {
    return { ...bundle, update: restoreStanceTexts(bundle.update, bundle.stanceRefs, itemText, hashHex), stanceRefs: [] };
  } catch (error) {
    if (error instanceof MissingItemsError) throw missingEarlier(bundle, { textMissing: true });
    throw new BundleError('damaged', MALFORMED);
  }
}

/** Refuses a bundle made for another report, naming both. */
export function checkBundleFor(bundle: Bundle, report: { id: string; title: string }): void {
  if (bundle.reportId === report.id) return;
  const theirs = bundle.reportTitle ? `“${bundle.reportTitle}” (${bundle.reportId})` : bundle.reportId;
  const ours = report.title ? `“${report.title}” (${report.id})` : report.id;
  throw new BundleError('other-report', `These changes are for the report ${theirs}, not for ${ours}, which is open. Open that report and import them there. Nothing was imported.`);
}

/**
 * Refuses a bundle that continues from changes this copy has not got (an earlier bundle
 * from the same sender that was never imported): Yjs would hold its updates back
 * unapplied. Nothing is lost by refusing; the sender can send a complete bundle.
 */
export function checkBundleBase(bundle: Bundle, local: Map<number, number>): void {
  const base = Y.decodeStateVector(bundle.base);
  for (const [client, clock] of base) {
    if ((local.get(client) ?? 0) < clock) throw missingEarlier(bundle);
  }
}

/**
 * Refuses a bundle that leaves out deletions an earlier bundle (`continues`) brought,
 * unless that one has been imported (`imported`), here or in the same import: a lost
 * bundle's deletions would otherwise never arrive. A complete bundle fixes it.
 */
export function checkBundleContinues(bundle: Bundle, imported: (bundleId: string) => boolean): void {
  if (!bundle.continues || imported(bundle.continues)) return;
  throw missingEarlier(bundle);
}

/**
 * The refusal of a bundle that builds on an earlier one this copy lacks. It names whom
 * the file was made for: a secretariat's round puts everyone's files side by side, and
 * another member's file is the likeliest cause.
 */
function missingEarlier(bundle: Pick<Bundle, 'sender' | 'recipient'>, { textMissing = false } = {}): BundleError {
  const madeFor = bundle.recipient ? ` (made for ${bundle.recipient})` : '';
  const from = bundle.sender ? ` from ${bundle.sender}` : '';
  const builds = textMissing ? ' refer to text this copy does not have: they continue' : ' continue';
  return new BundleError('missing-earlier', `These changes${madeFor}${builds} from an earlier changes file${from} that this copy has not imported. If the file is meant for you, import the earlier one first, or ask for a complete changes file. Nothing was imported.`);
}
