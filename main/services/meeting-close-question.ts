/**
 * What the host is asked before closing a report whose meeting has guests in it: closing
 * the report ends the meeting for them, and a window closed by a slip of the hand in the
 * middle of a session would cut the room off. No guests, no question: nobody is cut off.
 */
import type { MeetingGuests } from './sync/meeting-host.ts';
import { namesInSentence } from '../../shared/presence-user.ts';

export interface CloseQuestion {
  message: string;
  detail: string;
  /** The buttons, the one that closes first; the other keeps the meeting (the default). */
  buttons: [close: string, keep: string];
}

/** A few people are named ("Ana Diaz and Bo Lin"); a room, or guests not all named yet, is counted. */
function whoIsIn({ count, names }: MeetingGuests): string {
  if (names.length === count && count <= 3) {
    return `${namesInSentence(names)} ${count === 1 ? 'is' : 'are'} in the meeting you are hosting.`;
  }
  return count === 1 ? 'A guest is in the meeting you are hosting.' : `${count} guests are in the meeting you are hosting.`;
}

export function meetingCloseQuestion(guests: MeetingGuests): CloseQuestion | null {
  if (guests.count <= 0) return null;
  return {
    message: whoIsIn(guests),
    detail: 'Closing this report ends the meeting for them. Everyone keeps what they have: their own edits, and all they received; what they sent is in this report.',
    buttons: ['End the meeting and close', 'Keep the meeting'],
  };
}
