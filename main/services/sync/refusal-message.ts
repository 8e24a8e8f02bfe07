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

type Refusal = 'access' | 'server-copy' | 'code' | 'too-many-codes' | 'another-report';

function kindOf(meeting: boolean, reason: string | undefined): Refusal {
  if (reason === SERVER_COPY_UNUSABLE) return 'server-copy';
  if (!meeting) return 'access';
  if (reason?.startsWith(TOO_MANY_WRONG_CODES)) return 'too-many-codes';
  return reason === MEETING_FOR_ANOTHER_REPORT ? 'another-report' : 'code';
}

/** For a dialog: what happened and what to do. */
export function refusalMessage(options: { meeting: boolean; reason?: string; where: string }): string {
  switch (kindOf(options.meeting, options.reason)) {
    case 'access': return `${options.where} did not let you in to this report. Ask the secretariat for access.`;
    case 'server-copy': return `${options.where} cannot open its own copy of this report (its file there is damaged). Tell whoever runs it; nothing here was changed.`;
    case 'too-many-codes': return 'The meeting refused: too many wrong codes were tried. Wait a minute, check the code with the host, and try again.';
    case 'code': return 'The meeting did not accept this invitation\'s code. Ask the host for the current invitation (a new meeting has a new code).';
    case 'another-report': return 'This meeting is for another report. Open that report and connect again, or enter the meeting\'s whole invitation (with the report id) to fetch it.';
  }
}

/** For the status line. */
export function refusalNote(options: { meeting: boolean; reason?: string }): string {
  switch (kindOf(options.meeting, options.reason)) {
    case 'access': return 'The server did not let you in; ask the secretariat for access';
    case 'server-copy': return 'The server cannot open its copy of this report; tell whoever runs it';
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
