/**
 * Presence in the text: the cursors and selections of everyone else editing the report,
 * with y-prosemirror's cursor plugin over the renderer's awareness (which main relays to
 * the other windows, pages and meeting guests of the report).
 *
 * The page's Content-Security-Policy forbids inline style attributes, so colours come
 * from a fixed palette of classes (sync-ui.css), chosen from the person's key; the
 * caret's colour is set through the CSSOM, which the policy allows.
 *
 * The cursor plugin re-reads the local caret's position in Yjs (two walks of the body
 * from its start) after every transaction to update our own awareness. Others need it
 * once a frame, not inside each keystroke's dispatch: that update runs at the next
 * animation frame, once for all the transactions before it. The plugin also redraws every
 * other person's cursor (a whole transaction) whenever awareness changes; it is told only
 * of changes that concern someone else, not of our own caret moving as we type.
 */
import { Plugin, type EditorState, type PluginView } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { yCursorPlugin } from 'y-prosemirror';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { afterDispatch } from './after-dispatch.ts';
import { readUser, type PresenceUser } from '../../shared/presence-user.ts';

function cursorBuilder(user: Record<string, unknown>): HTMLElement {
  const who = readUser({ user }) ?? { name: 'Someone', group: '', colour: 0 };
  const caret = document.createElement('span');
  caret.className = `presence-caret presence-c${who.colour}`;
  caret.setAttribute('aria-hidden', 'true');
  const label = document.createElement('span');
  label.className = 'presence-label';
  label.textContent = who.name;
  caret.append('\u2060', label, '\u2060');
  return caret;
}

function selectionBuilder(user: Record<string, unknown>): { class: string } {
  const who = readUser({ user });
  return { class: `presence-selection presence-c${who?.colour ?? 0}` };
}

interface AwarenessChanges { added: number[]; updated: number[]; removed: number[] }
type ChangeListener = (changes: AwarenessChanges, origin: unknown) => void;

/**
 * The awareness as the cursor plugin sees it: the same object, except that its 'change'
 * listeners hear only of changes that involve another client.
 */
export function othersChangesOnly(awareness: awarenessProtocol.Awareness): awarenessProtocol.Awareness {
  const wrapped = new Map<ChangeListener, ChangeListener>();
  const aboutOthers = ({ added, updated, removed }: AwarenessChanges): boolean =>
    [added, updated, removed].some((ids) => ids.some((id) => id !== awareness.clientID));
  return new Proxy(awareness, {
    get(target, property) {
      if (property === 'on') {
        return (name: string, listener: ChangeListener) => {
          if (name !== 'change') return target.on(name, listener);
          const filtered: ChangeListener = (changes, origin) => {
            if (aboutOthers(changes)) listener(changes, origin);
          };
          wrapped.set(listener, filtered);
          return target.on(name, filtered);
        };
      }
      if (property === 'off') {
        return (name: string, listener: ChangeListener) => {
          const filtered = name === 'change' ? wrapped.get(listener) : undefined;
          wrapped.delete(listener);
          return target.off(name, filtered ?? listener);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const isClock = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const isIdOrNone = (value: unknown): boolean =>
  value == null || (typeof value === 'object' && isClock((value as { client?: unknown }).client) && isClock((value as { clock?: unknown }).clock));

/** A relative position, as JSON, that Yjs resolves (to a place, or to nothing) without throwing. */
function resolvablePosition(json: unknown, doc: Y.Doc): boolean {
  if (json === null || typeof json !== 'object') return false;
  const { type, tname, item, assoc } = json as Record<string, unknown>;
  // (A name Yjs would look up, creating a type of that name in the report if none has it.)
  const named = typeof tname === 'string' && doc.share.has(tname);
  return isIdOrNone(type) && isIdOrNone(item) && (tname == null || named) && (assoc == null || Number.isSafeInteger(assoc))
    && (item != null || type != null || named);
}

/**
 * Whether the cursor plugin can draw someone's presence state. Anyone on a link can put
 * anything JSON in theirs (another app, an old version, a hostile client), and the
 * plugin throws on a cursor Yjs cannot resolve, or on a person that is not an object (it
 * writes a colour into it); it does so inside every transaction that carries a remote
 * change, so the editor would stop showing the others' edits. Such a state is not drawn.
 */
export function drawablePresence(state: unknown, doc: Y.Doc): boolean {
  if (state === null || typeof state !== 'object') return false;
  const { user, cursor } = state as { user?: unknown; cursor?: unknown };
  if (cursor == null) return true;
  if (user != null && typeof user !== 'object') return false;
  if (typeof cursor !== 'object') return false;
  const { anchor, head } = cursor as { anchor?: unknown; head?: unknown };
  return resolvablePosition(anchor, doc) && resolvablePosition(head, doc);
}

export function presencePlugin(awareness: awarenessProtocol.Awareness): Plugin {
  const awarenessStateFilter = (ownId: number, clientId: number, state: unknown): boolean =>
    ownId !== clientId && drawablePresence(state, awareness.doc);
  const cursors: Plugin = yCursorPlugin(othersChangesOnly(awareness), { awarenessStateFilter, cursorBuilder, selectionBuilder } as Parameters<typeof yCursorPlugin>[1]);
  const cursorView = cursors.spec.view!;
  return new Plugin({
    ...cursors.spec,
    view: (view) => {
      const inner = cursorView(view);
      let frame = 0;
      let destroyed = false;
      let since: EditorState | null = null;
      const run = (): void => {
        frame = 0;
        const prev = since!;
        since = null;
        inner.update?.(view, prev);
      };
      return {
        update: (_view, prevState) => {
          if (since) return;
          since = prevState;
          // Even asking for the frame costs a keystroke's dispatch a little: ask after it.
          afterDispatch(() => {
            if (!destroyed) frame = requestAnimationFrame(run);
          });
        },
        destroy: () => {
          destroyed = true;
          if (frame) cancelAnimationFrame(frame);
          inner.destroy?.();
        },
      } satisfies PluginView;
    },
  });
}

/**
 * Announces who this user is. The editor is built with `presencePlugin` (view.ts):
 * reconfiguring a running editor would recreate y-prosemirror's plugin views, and the
 * undo plugin's destroys its UndoManager — undo would silently stop working.
 */
export function attachPresence(_view: EditorView, awareness: awarenessProtocol.Awareness, user: PresenceUser): void {
  awareness.setLocalStateField('user', user);
}
