/**
 * What the host is asked before closing a report whose meeting has guests in it: closing
 * the report ends the meeting for them, and a window closed by a slip of the hand in the
 * middle of a session would cut the room off. No guests, no question: nobody is cut off.
 */
export interface CloseQuestion {
  message: string;
  detail: string;
  /** The buttons, the one that closes first; the other keeps the meeting (the default). */
  buttons: [close: string, keep: string];
}

export function meetingCloseQuestion(guests: number): CloseQuestion | null {
  if (guests <= 0) return null;
  return {
    message: guests === 1 ? 'A guest is in the meeting you are hosting.' : `${guests} guests are in the meeting you are hosting.`,
    detail: 'Closing this report ends the meeting for them. Everyone keeps what they have: their own edits, and all they received; what they sent is in this report.',
    buttons: ['End the meeting and close', 'Keep the meeting'],
  };
}
