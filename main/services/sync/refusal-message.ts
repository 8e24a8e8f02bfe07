/**
 * What the app tells a member whose server or meeting refused them: in a dialog (the
 * whole sentence) or in the status line (short); and why a link stopped on a message too
 * large for it. The reason a server gives is not shown as it is (a server is someone
 * else's program): only the refusal this app's meetings send for too many wrong codes is
 * recognized, and every text is ours.
 */
import { TOO_MANY_WRONG_CODES } from './wrong-code-limiter.ts';
import { MAX_SERVER_FRAME_BYTES } from './guarded-socket.ts';

/**
 * A meeting's refusal of the right code for another report: a member entered the short
 * invitation (`ws://HOST:N#CODE`) with another report open. Only someone who has the code
 * learns it was right, and they could come in with the report's id anyway.
 */
export const MEETING_FOR_ANOTHER_REPORT = 'This meeting is for another report.';

/**
 * A server's refusal of a report whose file it cannot open (damaged, or another report's
 * under this id): not a matter of access, and nothing the member can mend but tell
 * whoever runs the server, whose log says which file (`report.load_failed`).
 */
export const SERVER_COPY_UNUSABLE = 'The server cannot open its copy of this report.';

/** A members-only server's refusals (member-access.ts). */
export const MEMBERS_ONLY_NOT_LISTED = 'This server admits the report\'s members only; its roster does not hold your key.';
export const MEMBERS_ONLY_RETIRED = 'This server admits the report\'s members only; your entry on its roster is retired.';
export const MEMBERS_ONLY_TOKEN_REFUSED = 'This server admits the report\'s members only; your app\'s proof of who you are was refused.';
export const LINK_CLOCK_OFF = 'Your computer\'s clock is more than 15 minutes off the server\'s.';

type Refusal = 'access' | 'server-copy' | 'code' | 'too-many-codes' | 'another-report' | 'not-listed' | 'retired' | 'clock' | 'proof' | 'no-key';

interface RefusalOptions {
  meeting: boolean;
  reason?: string;
  /** Why this app could not prove its member (their key cannot be read): link-credential.ts's keyProblem. */
  keyProblem?: string | null;
}

const SERVER_REFUSALS: ReadonlyMap<string, Refusal> = new Map([
  [SERVER_COPY_UNUSABLE, 'server-copy'],
  [MEMBERS_ONLY_NOT_LISTED, 'not-listed'],
  [MEMBERS_ONLY_RETIRED, 'retired'],
  [LINK_CLOCK_OFF, 'clock'],
]);

function kindOf({ meeting, reason, keyProblem }: RefusalOptions): Refusal {
  // A proof refused because the app had none to give is told as that. (Meetings ask for
  // their code, not a proof.)
  if (!meeting && reason === MEMBERS_ONLY_TOKEN_REFUSED) return keyProblem ? 'no-key' : 'proof';
  const known = reason === undefined ? undefined : SERVER_REFUSALS.get(reason);
  if (known) return known;
  if (!meeting) return 'access';
  if (reason?.startsWith(TOO_MANY_WRONG_CODES)) return 'too-many-codes';
  return reason === MEETING_FOR_ANOTHER_REPORT ? 'another-report' : 'code';
}

/** For a dialog: what happened and what to do. */
export function refusalMessage(options: RefusalOptions & { where: string }): string {
  switch (kindOf(options)) {
    case 'access': return `${options.where} did not let you in to this report. Ask the secretariat for access.`;
    case 'server-copy': return `${options.where} cannot open its own copy of this report (its file there is damaged). Tell whoever runs it; nothing here was changed.`;
    case 'not-listed': return `${options.where} admits this report's members only, and its copy of the roster does not hold your key. If you have the report, say which entry is you in Roster ("This is me") and connect again; if not, ask the secretariat for your invitation (Roster → Invite) or the report file.`;
    case 'retired': return `${options.where} admits this report's members only, and your entry there is retired. Ask the secretariat if that is wrong.`;
    case 'clock': return `${options.where} refused because this computer's clock is more than 15 minutes off. Set the date, time and time zone right, then connect again.`;
    case 'proof': return `${options.where} admits this report's members only, and did not accept this app's proof of who you are. Connect again; if it is refused again, tell whoever runs the server (its log says why).`;
    case 'no-key': return `${options.where} admits this report's members only, and this app could not read your identity key to prove who you are: ${options.keyProblem}`;
    case 'too-many-codes': return 'The meeting refused: too many wrong codes were tried. Wait a minute, check the code with the host, and try again.';
    case 'code': return 'The meeting did not accept this invitation\'s code. Ask the host for the current invitation (a new meeting has a new code).';
    case 'another-report': return 'This meeting is for another report. Open that report and connect again, or enter the meeting\'s whole invitation (with the report id) to fetch it.';
  }
}

/** For the status line. */
export function refusalNote(options: RefusalOptions): string {
  switch (kindOf(options)) {
    case 'access': return 'The server did not let you in; ask the secretariat for access';
    case 'server-copy': return 'The server cannot open its copy of this report; tell whoever runs it';
    case 'not-listed': return 'The server admits members only and its roster does not hold your key; say which entry is you in Roster ("This is me") and the app connects again by itself';
    case 'retired': return 'The server admits members only and your entry there is retired; ask the secretariat';
    case 'clock': return 'The server refused: this computer\'s clock is more than 15 minutes off; set it right and connect again';
    case 'proof': return 'The server admits members only and did not accept this app\'s proof of who you are; connect again, or tell whoever runs it';
    case 'no-key': return `The server admits members only and this app could not read your identity key: ${options.keyProblem?.replace(/\.$/, '')}`;
    case 'too-many-codes': return 'Too many wrong meeting codes were tried; wait a minute';
    case 'code': return 'The meeting did not accept the code; ask the host for the invitation';
    case 'another-report': return 'The meeting is for another report; open that one, or enter the whole invitation';
  }
}

/**
 * For the status line, when this app closed the link because what the server sent was
 * larger than it takes in one message (the server's copy has far more than this one):
 * calling again would only have it sent again. A changes file carries far more.
 */
export function tooLargeNote(meeting: boolean): string {
  const where = meeting ? 'the meeting' : 'the server';
  return `What ${where} has to send is larger than this app takes at once (${MAX_SERVER_FRAME_BYTES / 1024 / 1024} MiB); ask a member who has the report for a changes file (Export changes…)`;
}

/** For the status line, when the server refused even small parts of the report (send-in-parts.ts). */
export function partsRefusedNote(meeting: boolean): string {
  return meeting
    ? 'The meeting refuses even small parts of the report\'s changes; use Export changes… instead'
    : 'The server refuses even small parts of the report\'s changes; have its limit raised (--max-message-bytes), or use Export changes…';
}
