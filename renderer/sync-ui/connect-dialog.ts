/**
 * Connect to server…: links the report to a standing server or a meeting, and says
 * whether it answered. It also gets a report this machine does not have: an address
 * naming another report (`ws://HOST:N/<report id>`, or a meeting's invitation) joins it —
 * main fetches it into a report file of its own and opens it (Electron: a new window; the
 * browser host: this page loads it, or offers it when the dialog was closed meanwhile).
 */
import type { PlenaryApi } from '../../shared/api.ts';
import { checkServerAddress, reportIdInAddress } from '../../shared/sync-requests.ts';
import { reportAddress } from '../../shared/report-address.ts';
import { button } from '../export-ui/dialog-parts.ts';
import { copyButton } from '../ui/copy-button.ts';
import { setAddressText } from '../ui/address-text.ts';
import { field, type DialogFrame } from './dialog-frame.ts';
import type { StatusWatch } from './status-watch.ts';

/** How long Connect waits for a first answer before saying the address was not reached. */
const FIRST_CONTACT_MS = 5_000;

export interface ConnectContext {
  frame: DialogFrame;
  api: PlenaryApi;
  status: StatusWatch;
  /** Shows a report main has opened (the browser host loads it in this page). */
  openReport: (path: string) => void;
}

export function showConnectDialog(context: ConnectContext, typed?: string, again = false): void {
  const { frame, api, status, openReport } = context;
  const address = field('Server address or invitation', 'sync-server-url', 'url', 'ws:// or wss://, as the secretariat gave it; remembered for this report. To get a report you do not have yet, give its address (ws://HOST:N/<report id>), the invitation the secretariat sent you, or a meeting\'s invitation.');
  address.input.value = typed ?? status.current?.server ?? '';
  const content = [address.row];
  // Asked once per dialog: for the address shown to others, and to tell a join from a link.
  const current = api.request('currentReport');
  let currentId: string | null = null;
  current.then((report) => (currentId = report.id), () => undefined); // a failure shows when Connect awaits it
  const server = status.current?.server;
  // Only an address that has answered is worth passing on.
  if (server && status.current?.lastSyncAt) {
    // Others need the report's own address to fetch it.
    const shared = document.createElement('p');
    shared.className = 'sync-hint';
    const code = document.createElement('code');
    code.id = 'sync-report-address';
    const { button: copy, said } = copyButton(code, 'Copy the report’s address');
    shared.append('Members who do not have this report yet connect to ', code, ' ', copy, said);
    void current.then((report) => {
      setAddressText(code, reportAddress(server, report.id));
    }, () => undefined);
    content.push(shared);
  }
  const go = button('Connect', true);
  // What the wait is for: fetching a report this computer does not have, or reaching the server.
  const fetching = (): boolean => {
    const named = reportIdInAddress(address.input.value);
    return named !== null && named !== currentId;
  };
  go.addEventListener('click', () => void frame.run(async (stillShown) => {
    const url = checkServerAddress(address.input.value);
    const named = reportIdInAddress(url);
    // An invitation's code is not for the status line; the report id is noise there.
    const where = new URL(url.split('#')[0] ?? url);
    if (named && named !== (await current).id) {
      const joined = await api.request('joinReport', url);
      const fetched = `“${joined.title}” is now on this computer, linked to ${url.includes('#') ? `the meeting at ${where.host}` : where.origin}.`;
      // Closed meanwhile, the user went back to the report in front of them: the page
      // (the browser host's only window) is not replaced under their typing; the notice
      // offers the fetched one instead. The desktop app has opened it in a window of its own.
      if (!stillShown() && api.host === 'web') {
        return { text: fetched, action: { label: `Open “${joined.title}”`, run: () => openReport(joined.path) } };
      }
      openReport(joined.path);
      return fetched;
    }
    const linked = await api.request('connectServer', url);
    status.set(linked);
    // A mistyped address would otherwise only ever say "Offline": say it was not reached,
    // here, while the address is in front of the user (the link goes on trying).
    // ("Syncing" alone is not an answer: the socket opens before the server has let us in.)
    // Meanwhile the status line may already say the address was not reached: the dialog
    // says the same, not "Connecting…", while it gives a starting server time to answer.
    const called = url.includes('#') ? 'the meeting' : url;
    const settled = await status.waitFor((s) => s.state === 'in-sync' || s.sendingInParts !== null || s.linkEnded !== null || s.problem !== null, FIRST_CONTACT_MS, (s) => {
      if (s.state === 'offline' && stillShown()) frame.progress.say(`No answer from ${called} yet; trying again…`);
    });
    // Still exchanging a large backlog after the wait: it answered.
    const answered = settled ?? (status.current?.state === 'syncing' ? status.current : null);
    const unreached = !answered
      ? url.includes('#')
        ? 'The meeting could not be reached. Check the invitation, and that you are on the same network as its host (the same Wi-Fi); if you are, its host’s firewall may be keeping Plenary out. Plenary keeps trying meanwhile, and your edits are kept here.'
        : `${url} could not be reached. Check the address; Plenary keeps trying meanwhile, and your edits are kept here.`
      : answered.linkEnded ?? (answered.problem ? `Cannot connect: ${answered.problem}.` : null);
    if (unreached) {
      // Shown again as it now is (Disconnect offered), with what was typed; closed
      // meanwhile or replaced by another dialog, the notice says it instead (run()).
      if (stillShown()) showConnectDialog(context, url, true);
      throw new Error(unreached);
    }
    if (answered?.sendingInParts) {
      const to = url.includes('#') ? 'the meeting' : where.origin;
      return answered.sendingInParts.why === 'too-large'
        ? `The report is larger than ${to} takes at once: it is being sent in parts, counted in the status line. Work on meanwhile.`
        : `The connection to ${to} keeps breaking off before your changes are through: they are being sent in parts, each kept once it arrives, counted in the status line. Work on meanwhile.`;
    }
    // (Said until it fades, whatever the link does meanwhile: the status line says that.)
    return url.includes('#') ? `Joined the meeting at ${where.host}.` : `Linked to ${where.origin}${where.pathname === '/' ? '' : where.pathname}.`;
  }, fetching() ? 'Fetching the report…' : 'Connecting…'));
  const actions = [go];
  if (status.current?.server) {
    const inMeeting = status.current.inMeeting;
    const off = button(inMeeting ? 'Leave the meeting' : 'Disconnect');
    off.addEventListener('click', () => void frame.run(async () => {
      const after = await api.request('disconnectServer');
      if (!inMeeting) return 'Disconnected from the server; the report stays complete here.';
      return after.server ? `Left the meeting; syncing with ${after.server} again.` : 'Left the meeting; the report stays complete here.';
    }));
    actions.unshift(off);
  }
  frame.open('Connect to a server', content, actions, again);
}
