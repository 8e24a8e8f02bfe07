/**
 * Changes files dropped on the window — attachments dragged from an e-mail, a round's
 * files from a folder — are imported together, as Import changes… does. The desktop app
 * asks the preload where each is on disk; the browser host uploads them first. A drop of
 * other files gets a word on what can be dropped; text dragged within the editor is left
 * to the editor.
 */
import type { PlenaryApi } from '../../shared/api.ts';
import { BUNDLE_EXTENSION } from '../../shared/sync-requests.ts';
import { uploadToHost } from '../api/upload.ts';

const carriesFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;
const isChangesFile = (file: File): boolean => file.name.toLowerCase().endsWith(`.${BUNDLE_EXTENSION}`);

/** Where each file can be read by the host: its path (desktop) or its uploaded name (browser host). */
async function namesForHost(api: PlenaryApi, files: File[]): Promise<string[]> {
  if (!api.pathForFile) return Promise.all(files.map(uploadToHost));
  const paths = files.map((file) => api.pathForFile!(file)).filter((path) => path !== '');
  if (paths.length === 0) throw new Error('These files are not on this computer’s disk (dragged from a web page?): save them first, then drop or import them.');
  return paths;
}

/** What the window shows while files are dragged over it (their names are not known until the drop). */
function dropHint(): HTMLElement {
  const hint = document.createElement('div');
  hint.id = 'drop-changes-hint';
  hint.className = 'drop-changes-hint';
  hint.hidden = true;
  hint.append(Object.assign(document.createElement('span'), { textContent: `Drop changes files (.${BUNDLE_EXTENSION}) to import them into this report` }));
  document.body.append(hint);
  return hint;
}

export function acceptDroppedChangesFiles(api: PlenaryApi, importFiles: (names: string[]) => void, notify: (text: string) => void): void {
  const hint = dropHint();
  // dragenter and dragleave fire for every element crossed: count them to know when the drag has left the window.
  let inside = 0;
  const leave = (): void => {
    inside = 0;
    hint.hidden = true;
  };
  window.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    inside += 1;
    hint.hidden = false;
  });
  window.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return;
    inside -= 1;
    if (inside <= 0) leave();
  });
  window.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
  });
  // Capturing, before the editor sees the drop (it would try to insert the files as text).
  window.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.stopPropagation();
    leave();
    const changes = [...event.dataTransfer!.files].filter(isChangesFile);
    if (changes.length === 0) {
      notify(`Only changes files (.${BUNDLE_EXTENSION}) can be dropped on the report; to import a draft, use Import….`);
      return;
    }
    namesForHost(api, changes).then(importFiles, (error: unknown) => notify((error as Error).message));
  }, true);
}
