/**
 * What a try that broke off had done, kept a while for the next try to go on from (a
 * line that drops, then comes back): the parts a fetch received, the mirror of a send in
 * parts, the parts a server's incoming copy took; and a report an unloaded copy holds
 * open a moment longer. The latest `most` only, each for `keepMs`; what goes is handed
 * to `drop` (to free a Y.Doc, to let go of a report).
 */
export class KeptForNextTry<T> {
  private readonly entries = new Map<string, { value: T; expiry: ReturnType<typeof setTimeout> }>();
  private readonly options: { keepMs: number; most: number; drop?: (value: T) => void };

  constructor(options: { keepMs: number; most: number; drop?: (value: T) => void }) {
    this.options = options;
  }

  /** Keeps `value` under `key`, in place of what was kept there; the oldest goes past `most`. */
  keep(key: string, value: T): void {
    const earlier = this.take(key);
    if (earlier !== null && earlier !== value) this.options.drop?.(earlier);
    // (A Map iterates in insertion order: the first is the oldest.)
    while (this.entries.size >= this.options.most) this.discard(this.entries.keys().next().value as string);
    const expiry = setTimeout(() => this.discard(key), this.options.keepMs);
    // (Kept for a next try, not a reason to keep the process alive.)
    expiry.unref();
    this.entries.set(key, { value, expiry });
  }

  /** What is kept under `key`, handed over (no longer kept), or null. */
  take(key: string): T | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    clearTimeout(entry.expiry);
    this.entries.delete(key);
    return entry.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The keys, oldest first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Lets go of what is kept under `key`. */
  discard(key: string): void {
    const value = this.take(key);
    if (value !== null) this.options.drop?.(value);
  }

  clear(): void {
    for (const key of this.keys()) this.discard(key);
  }
}
