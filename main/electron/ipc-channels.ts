/**
 * The three IPC channels between a report window and main; shared by main and the
 * preload so the names are spelled once. No Electron import: the preload bundles this.
 */
export const IpcChannel = {
  /** invoke(name, args[]) → RequestReply; see shared/api.ts RequestMap. */
  request: 'plenary:request',
  /** y-protocols messages (Uint8Array), both directions. */
  message: 'plenary:message',
  /** HostEvent, main → renderer. */
  event: 'plenary:event',
} as const;

/**
 * The reply to a request as it crosses IPC. Errors travel as data, not as a thrown
 * Error, so the renderer sees main's message as written rather than Electron's
 * "Error invoking remote method …" wrapper.
 */
export type RequestReply = { ok: true; value: unknown } | { ok: false; message: string };
