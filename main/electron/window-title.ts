/** The title of a report window: the report's title, then the app's name. */
export const APP_NAME = 'Plenary';
export const UNTITLED = 'Untitled report';

export function windowTitle(reportTitle: string): string {
  // Titles come from the document, which peers edit: keep one line, and keep it short.
  const printable = [...reportTitle].map((c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' ? ' ' : c)).join('');
  const oneLine = printable.replace(/\s+/g, ' ').trim();
  const shown = oneLine.length > 120 ? `${oneLine.slice(0, 119)}…` : oneLine;
  return `${shown || UNTITLED} — ${APP_NAME}`;
}
