import { describe, expect, it } from 'vitest';
import { meetingCloseQuestion } from '../../main/services/meeting-close-question.ts';

describe('what the host is asked before closing a report whose meeting has guests', () => {
  const asked = (count: number, names: string[]) => meetingCloseQuestion({ count, names })?.message;

  it('asks nothing when nobody is in the meeting', () => {
    expect(meetingCloseQuestion({ count: 0, names: [] })).toBeNull();
  });

  it('names a few guests, as their presence names them', () => {
    expect(asked(1, ['Ana Diaz (civil society)'])).toBe('Ana Diaz (civil society) is in the meeting you are hosting.');
    expect(asked(2, ['Ana Diaz', 'Bo Lin'])).toBe('Ana Diaz and Bo Lin are in the meeting you are hosting.');
    expect(asked(3, ['Ana Diaz', 'Bo Lin', 'Chen Sato'])).toBe('Ana Diaz, Bo Lin and Chen Sato are in the meeting you are hosting.');
  });

  it('counts a room, and guests not all named yet', () => {
    expect(asked(1, [])).toBe('A guest is in the meeting you are hosting.');
    expect(asked(2, ['Ana Diaz'])).toBe('2 guests are in the meeting you are hosting.');
    expect(asked(4, ['A', 'B', 'C', 'D'])).toBe('4 guests are in the meeting you are hosting.');
  });
});
