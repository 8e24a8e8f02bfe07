/**
 * Export changes… (a changes file for a named colleague, or one for everyone on the
 * roster) and Import changes… (files picked, opened with the app or dropped on it). In
 * the browser host there is no file dialog, so the file name is typed; in Electron main
 * shows the native one.
 */
import type { PlenaryApi } from '../../shared/api.ts';
import { BUNDLE_EXTENSION, checkPersonName, describeImport, splitChangesFileNames } from '../../shared/sync-requests.ts';
import { button, checkbox, fileNameOf } from '../export-ui/dialog-parts.ts';
import { fileSize } from '../../shared/file-size.ts';
import { UNNAMED_SENDER } from '../../shared/roster.ts';
import { ChangesFileList } from './changes-file-list.ts';
import { field, type DialogFrame } from './dialog-frame.ts';
import type { Notice } from './notice.ts';

export interface ChangesDialogContext {
  frame: DialogFrame;
  api: PlenaryApi;
  /** The roster's other members, by name: offered as recipients. */
  colleagues: () => string[];
  /** Whether this user is known not to be on the roster (their files then come from no one by name). */
  offRoster: () => boolean;
}

export function showExportChanges({ frame, api, colleagues, offRoster }: ChangesDialogContext): void {
  const who = field('For whom (their name)', 'sync-recipient', 'text', 'The file holds what they lack since the last changes file you made for them.');
  // The same name each time keeps the files small: offer the roster's spelling.
  const names = colleagues();
  if (names.length > 0) {
    const list = document.createElement('datalist');
    list.id = 'sync-recipients';
    list.append(...names.map((name) => Object.assign(document.createElement('option'), { value: name })));
    who.input.setAttribute('list', list.id);
    who.row.append(list);
  }
  const { row: everything, input: box } = checkbox('sync-complete', 'Include the whole report (if an earlier file never arrived)', false);
  const file = field('File name', 'sync-export-path', 'text', 'Saved in the Reports folder unless you give a full path.');
  const folder = field('Folder name', 'sync-export-folder', 'text', 'A new folder, made in the Reports folder unless you give a full path; left empty, named after the time.');
  const content = [who.row];
  // After a round of changes files is merged, every member needs what the others wrote.
  const { row: forEveryone, input: everyoneBox } = checkbox('sync-everyone', `Everyone on the roster (${names.length} ${names.length === 1 ? 'member' : 'members'}, one file each)`, false);
  if (names.length > 0) content.push(forEveryone);
  content.push(everything);
  if (api.host === 'web') content.push(file.row, folder.row);
  // A file from "A Plenary user" tells its recipients nothing: say so while it can be mended.
  if (offRoster()) {
    content.push(Object.assign(document.createElement('p'), {
      id: 'sync-export-unnamed',
      className: 'sync-warning',
      textContent: `Your files will say they come from “${UNNAMED_SENDER}”: you are not on the roster. To have them carry your name, choose “I am …” beside it in Roster first.`,
    }));
  }
  const showTarget = (): void => {
    who.input.disabled = everyoneBox.checked;
    file.row.hidden = everyoneBox.checked;
    folder.row.hidden = !everyoneBox.checked;
  };
  everyoneBox.addEventListener('change', showTarget);
  showTarget();
  const go = button('Export', true);
  go.addEventListener('click', () => void frame.run(async () => {
    if (everyoneBox.checked) return exportForEveryone(api, api.host === 'web' ? folder.input.value.trim() || null : null, box.checked);
    const recipient = checkPersonName(who.input.value);
    // Left empty, main names it after the recipient (as the desktop's save dialog suggests).
    const path = api.host === 'web' ? file.input.value.trim() || null : null;
    const result = await api.request('exportChanges', recipient, path, box.checked);
    if (!result) return null;
    // The file's name fits the status line; where it went is in the notice's tooltip.
    const name = fileNameOf(result.path);
    return {
      text: `Changes for ${recipient} saved to ${name} (${fileSize(result.bytes)}${result.complete ? ', the whole report' : ''}).`,
      detail: result.path,
    };
  }, everyoneBox.checked ? 'Writing the changes files…' : 'Writing the changes file…'));
  frame.open('Export changes', content, [go]);
}

async function exportForEveryone(api: PlenaryApi, folder: string | null, complete: boolean): Promise<Notice | null> {
  const result = await api.request('exportChangesForEveryone', folder, complete);
  if (!result) return null;
  const whole = result.complete === result.files ? ', each the whole report' : result.complete > 0 ? `; ${result.complete} of them the whole report` : '';
  return {
    text: `Changes for ${result.files} ${result.files === 1 ? 'member' : 'members'} saved in ${fileNameOf(result.folder)} (${fileSize(result.bytes)} in all${whole}).`,
    detail: result.folder,
  };
}

export function showImportChanges({ frame, api }: ChangesDialogContext): void {
  const web = api.host === 'web';
  const file = field('Changes files', 'sync-import-path', 'text', `One or more .${BUNDLE_EXTENSION} files colleagues sent you, separated by commas; they are merged together.`);
  const here = new ChangesFileList();
  if (web) {
    void api.request('changesFilesHere').then((files) => {
      here.fill(files);
      if (files.length > 0) (file.row.querySelector('label') as HTMLLabelElement).textContent = 'Other changes files';
    }, () => undefined);
  }
  const go = button(web ? 'Import' : 'Choose files…', true);
  go.addEventListener('click', () => void frame.run(async () => {
    const names = web ? [...here.checked(), ...splitChangesFileNames(file.input.value)] : null;
    if (names?.length === 0) throw new Error('Tick the changes files to import, or give their names (separated by commas).');
    const result = await api.request('importChanges', names);
    return result && describeImport(result);
  }, 'Checking and merging the changes…'));
  // The desktop app picks the files in the system's dialog; say what to pick there.
  const pick = Object.assign(document.createElement('p'), { className: 'sync-hint', textContent: `Choose one or more .${BUNDLE_EXTENSION} files colleagues sent you; they are merged together.` });
  frame.open('Import changes', web ? [here.element, file.row] : [pick], [go]);
}

/**
 * Imports changes files the user opened with the app (a double-click on one received by
 * e-mail) or dropped on the window: the Import dialog shows which, then says how it
 * went, as if they had been picked in it; a refusal stays in the dialog, the report
 * untouched.
 */
export function importChangesFiles({ frame, api }: ChangesDialogContext, paths: string[], how: 'opened' | 'dropped'): void {
  const what = how === 'opened' ? 'Opened with Plenary' : 'Dropped on the window';
  const intro = Object.assign(document.createElement('p'), { textContent: paths.length === 1 ? `${what}:` : `${what} (${paths.length} files, merged together):` });
  const list = document.createElement('ul');
  list.className = 'sync-opened-files';
  list.append(...paths.map((path) => Object.assign(document.createElement('li'), { textContent: fileNameOf(path), title: path })));
  frame.open('Import changes', [intro, list], []);
  void frame.run(async () => {
    const result = await api.request('importChanges', paths);
    return result && describeImport(result);
  }, 'Checking and merging the changes…');
}
