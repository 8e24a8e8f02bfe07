/**
 * Structured log lines for the sync server: one JSON object a line, to stderr by
 * default, so stdout stays free for the one human line ("Plenary sync server at …")
 * and a service manager can parse the rest.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFields {
  [key: string]: string | number | boolean | null | undefined;
}

export type Logger = (level: LogLevel, event: string, fields?: LogFields) => void;

/** Writes `{"time","level","event",...fields}` lines to the given sink. */
export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return (level, event, fields = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
  };
}

/** A logger that drops everything (embedded hosts that log elsewhere). */
export const silentLogger: Logger = () => {};
