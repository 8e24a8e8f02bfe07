/**
 * Who a presence (awareness) state says it is: the `user` field each app sets for its
 * windows and pages. Read in the renderer (carets, the status line's "Also here") and in
 * main (a hosted meeting's guests), the same way: a state is someone else's claim, so
 * every field is checked and bounded.
 */
export const PRESENCE_COLOURS = 8;

export interface PresenceUser {
  name: string;
  /** Stakeholder group label, if the person is on the roster. */
  group: string;
  /** 0 … PRESENCE_COLOURS - 1. */
  colour: number;
}

/** A stable colour index for a key (or any string). */
export function colourFor(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % PRESENCE_COLOURS;
}

export function readUser(state: Record<string, unknown> | undefined): PresenceUser | null {
  const user = state?.user as Partial<PresenceUser> | undefined;
  if (!user || typeof user.name !== 'string' || !user.name) return null;
  const colour = Number.isInteger(user.colour) && (user.colour as number) >= 0 && (user.colour as number) < PRESENCE_COLOURS ? user.colour as number : 0;
  return { name: user.name.slice(0, 80), group: typeof user.group === 'string' ? user.group.slice(0, 80) : '', colour };
}

/** "Ana Diaz", "Ana Diaz and Bo Lin", "Ana Diaz, Bo Lin and Chen Sato": a few people in a sentence. */
export function namesInSentence(labels: string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)!}`;
}

/** "Ana Diaz (government)", or the name alone for someone off the roster. */
export function presenceLabel(user: PresenceUser): string {
  return user.group ? `${user.name} (${user.group})` : user.name;
}
