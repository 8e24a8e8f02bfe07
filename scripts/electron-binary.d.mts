export function findElectronBinary(): { path: string } | { path: null; reason: string };
export function electronVersion(): string;
