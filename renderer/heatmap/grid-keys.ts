/**
 * The heatmap grid's keys, as where the focus goes: arrows move one cell; Home/End go to
 * the row's ends (with Ctrl, to the first or last row); PageUp/PageDown move a screen;
 * Enter or Space act on the focused cell (the grid decides what that means).
 */
export interface GridPosition {
  readonly row: number;
  /** 0 = the row header, i + 1 = column i. */
  readonly col: number;
}

export type KeyAction = { readonly move: GridPosition } | { readonly activate: 'enter' | 'space' } | null;

export function keyAction(event: Pick<KeyboardEvent, 'key' | 'ctrlKey'>, at: GridPosition, rows: number, columns: number, page: number): KeyAction {
  const { row, col } = at;
  switch (event.key) {
    case 'ArrowDown': return { move: { row: row + 1, col } };
    case 'ArrowUp': return { move: { row: row - 1, col } };
    case 'ArrowRight': return { move: { row, col: col + 1 } };
    case 'ArrowLeft': return { move: { row, col: col - 1 } };
    case 'Home': return { move: { row: event.ctrlKey ? 0 : row, col: 0 } };
    case 'End': return { move: { row: event.ctrlKey ? rows - 1 : row, col: columns } };
    case 'PageDown': return { move: { row: row + page, col } };
    case 'PageUp': return { move: { row: row - page, col } };
    case 'Enter': return { activate: 'enter' };
    case ' ': return { activate: 'space' };
    default: return null;
  }
}
