/** Command-line arguments of the browser host (web.ts). */
import { isEveryAddress } from '../services/sync/meeting-address.ts';

export interface WebArgs {
  port: number;
  dataDir: string | null;
  report: string | null;
  /** The address a hosted meeting listens on and gives guests (default: the one people in the room can most likely reach). */
  meetingHost: string | null;
  /** Changes files to import into their reports when a page opens them (as a double-click does in the desktop app). */
  changes: string[];
  help: boolean;
}

export const WEB_USAGE = 'Usage: npm run web -- [--port N] [--data DIR] [--report FILE.plenary] [--meeting-host ADDRESS] [--changes FILE.plenary-changes]…';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseWebArgs(argv: readonly string[]): WebArgs {
  const args: WebArgs = { port: 0, dataDir: null, report: null, meetingHost: null, changes: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value.`);
    if (name === '--port') {
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not ${JSON.stringify(value)}.`);
      args.port = Number(value);
    } else if (name === '--data') {
      args.dataDir = value;
    } else if (name === '--report') {
      args.report = value;
    } else if (name === '--meeting-host') {
      if (isEveryAddress(value)) {
        throw new UsageError(`--meeting-host is the address guests are given, so one of this computer's own, not ${value} (every interface); leave it out to take the one people in the room can most likely reach.`);
      }
      args.meetingHost = value;
    } else if (name === '--changes') {
      args.changes.push(value);
    } else {
      throw new UsageError(`Unknown option ${JSON.stringify(name)}.`);
    }
  }
  return args;
}
