/**
 * A visually hidden polite status region: what a screen reader should hear of a change
 * shown elsewhere on screen (who joined, the sync state, a stance taken).
 */
export function politeRegion(id?: string): HTMLElement {
  const region = document.createElement('span');
  if (id) region.id = id;
  region.className = 'visually-hidden';
  region.setAttribute('role', 'status');
  return region;
}
