/**
 * A persistent string-keyed map: each version shares a base map with the versions
 * before it and keeps its own changes in a small overlay, so making a new version with
 * a few changes costs O(changes), not O(size). When the overlay grows past MAX_OVERLAY
 * entries it is folded into a new base (O(size), once every MAX_OVERLAY changed keys).
 * Older versions stay valid and unchanged. Values are never null or undefined (null marks
 * a removed key in the overlay).
 */

/** Overlay entries at which a version is folded into a new base map. */
const MAX_OVERLAY = 64;

/** A map that shares a base with older versions and keeps its own changes on top. */
export class LayeredMap<V> implements ReadonlyMap<string, V> {
  private readonly base: ReadonlyMap<string, V>;
  /** Changes over the base; null marks a removed key. */
  private readonly overlay: ReadonlyMap<string, V | null>;
  readonly size: number;

  constructor(base: ReadonlyMap<string, V>, overlay: ReadonlyMap<string, V | null> = new Map(), size = base.size) {
    this.base = base;
    this.overlay = overlay;
    this.size = size;
  }

  get(key: string): V | undefined {
    const over = this.overlay.get(key);
    if (over !== undefined) return over ?? undefined;
    return this.base.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A new version with `changes` applied (null removes). */
  with(changes: ReadonlyMap<string, V | null>): LayeredMap<V> {
    if (changes.size === 0) return this;
    const overlay = new Map(this.overlay);
    let size = this.size;
    for (const [key, value] of changes) {
      size += (value ? 1 : 0) - (this.has(key) ? 1 : 0);
      overlay.set(key, value);
    }
    if (overlay.size <= MAX_OVERLAY) return new LayeredMap(this.base, overlay, size);
    const flat = new Map(this.base);
    for (const [key, value] of overlay) {
      if (value) flat.set(key, value);
      else flat.delete(key);
    }
    return new LayeredMap(flat);
  }

  *entries(): MapIterator<[string, V]> {
    for (const [key, value] of this.base) if (!this.overlay.has(key)) yield [key, value];
    for (const [key, value] of this.overlay) if (value) yield [key, value];
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}
