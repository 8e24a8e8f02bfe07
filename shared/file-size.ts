/** A file's size as people read it: "12.4 kB", "17.5 MB" (never "1010.0 kB"). */
export function fileSize(bytes: number): string {
  return bytes < 1000 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
