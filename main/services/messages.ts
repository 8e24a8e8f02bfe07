/**
 * The y-protocols framing lives in shared/sync-messages.ts so that main and the renderer
 * encode and decode with one implementation; this module keeps main's import path.
 */
export * from '../../shared/sync-messages.ts';
