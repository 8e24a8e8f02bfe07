// Who is here, by stakeholder group (renderer/sync-ui/presence-panel.ts).
import { describe, expect, it } from 'vitest';
import { byGroup } from '../../renderer/sync-ui/presence-panel.ts';

describe('everyone else here, by group', () => {
  it('groups alphabetically, those who gave no group last, people by name within', () => {
    const grouped = byGroup([
      { name: 'Waudo Siganga', group: 'private sector', colour: 1 },
      { name: 'Guest 3f2a', group: '', colour: 2 },
      { name: 'Raúl Echeberría', group: 'civil society', colour: 3 },
      { name: 'Ayesha Hassan', group: 'private sector', colour: 4 },
      { name: 'Karen Banks', group: 'civil society', colour: 5 },
    ]);
    expect(grouped.map(([group, people]) => [group, people.map((p) => p.name)])).toEqual([
      ['civil society', ['Karen Banks', 'Raúl Echeberría']],
      ['private sector', ['Ayesha Hassan', 'Waudo Siganga']],
      ['No group given', ['Guest 3f2a']],
    ]);
  });

  it('is empty when nobody else is here', () => {
    expect(byGroup([])).toEqual([]);
  });
});
