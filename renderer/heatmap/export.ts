/**
 * Downloads of the heatmap: SVG (the pure string from shared/heatmap/svg.ts), PNG (that
 * SVG drawn onto a canvas in the page at twice the size, for slides) and CSV. The SVG is
 * loaded into the image as a data: URL, which the page's CSP (img-src 'self' data:)
 * already allows; the files are handed over as Blob URLs on a download link, which
 * img-src does not govern, so no CSP change is needed.
 */
function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function safeFileName(title: string): string {
  const base = title.replace(/[^\p{L}\p{N} _-]+/gu, ' ').trim().replace(/\s+/g, ' ').slice(0, 80);
  return base || 'report';
}

export function downloadSvg(svg: string, name: string): void {
  download(new Blob([svg], { type: 'image/svg+xml' }), `${name}.svg`);
}

export function downloadCsv(csv: string, name: string): void {
  // A byte-order mark so spreadsheet programs read the file as UTF-8.
  download(new Blob(['\ufeff', csv], { type: 'text/csv' }), `${name}.csv`);
}

export async function downloadPng(svg: string, name: string, scale = 2): Promise<void> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(image.naturalWidth * scale);
  canvas.height = Math.ceil(image.naturalHeight * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This page cannot draw images.');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The image could not be made.');
  download(blob, `${name}.png`);
}
