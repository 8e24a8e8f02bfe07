/**
 * The standing sync server.
 *
 *   npm run server -- --port 4455 --host 0.0.0.0 --data /var/lib/plenary
 *   node dist/host/sync-server.mjs --port 4455 --data /var/lib/plenary   (service managers)
 *
 * Flags win over the environment (PLENARY_PORT, PLENARY_HOST, PLENARY_DATA,
 * PLENARY_REDIS, PLENARY_MAX_MESSAGE_BYTES, PLENARY_MEMBERS_ONLY=1). Defaults: host
 * 127.0.0.1, port 4455, data ./plenary-data. `--redis redis://127.0.0.1:6379` lets
 * several processes serve the same reports. `--members-only` admits each report's
 * members only, by the keys on the server's copy of its roster (member-access.ts);
 * without it anyone who knows a report's address may read and write it. Prints
 * `Plenary sync server at ws://HOST:N` on stdout once it accepts connections;
 * everything else is JSON lines on stderr. SIGTERM/SIGINT stop it cleanly: every
 * acknowledged update is already committed, files are closed, exit code 0.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startSyncServer } from '../services/sync/server.ts';
import { jsonLogger } from '../services/sync/log.ts';
import { membersOnly } from '../services/sync/member-access.ts';
import { takenThroughRedis } from '../services/sync/taken-nonces.ts';
import { logUnhandledRejections } from './log-unhandled-rejections.ts';
import { listenProblem } from '../services/sync/listen-problem.ts';

const log = jsonLogger();
// Hocuspocus and ioredis speak through console.*: keep stderr one JSON object a line.
for (const level of ['log', 'info', 'warn', 'error'] as const) {
  console[level] = (...args: unknown[]) =>
    log(level === 'log' || level === 'info' ? 'info' : level, 'library', {
      message: args.map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
    });
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const USAGE = `Usage: sync-server [--port N] [--host H] [--data DIR] [--redis redis://HOST:PORT] [--max-message-bytes N] [--members-only]

  -p, --port N               port to listen on; 0 takes a free one (PLENARY_PORT, default 4455)
  -h, --host H               interface to listen on (PLENARY_HOST, default 127.0.0.1)
  -d, --data DIR             folder of the report files (PLENARY_DATA, default ./plenary-data)
      --redis URL            a Redis every server of the same folder shares (PLENARY_REDIS)
      --max-message-bytes N  the largest message a client may send (PLENARY_MAX_MESSAGE_BYTES, default 16 MiB)
      --members-only         admit each report's members only, by the keys on the server's copy
                             of its roster; observers read only (PLENARY_MEMBERS_ONLY=1). Without
                             it, anyone who knows a report's address may read and write it.

Prints "Plenary sync server at ws://HOST:N" once ready and JSON log lines on stderr;
SIGTERM or SIGINT stop it cleanly.
`;

function parseFlags(): ReturnType<typeof parseFlagsOrThrow> {
  try {
    return parseFlagsOrThrow();
  } catch (error) {
    // (Node's message goes on with advice about positional arguments, which this command has none of.)
    return fail(`${(error as Error).message.split('. ')[0]}.\n\n${USAGE}`);
  }
}

function parseFlagsOrThrow() {
  return parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'h' },
      data: { type: 'string', short: 'd' },
      redis: { type: 'string' },
      'max-message-bytes': { type: 'string' },
      'members-only': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  }).values;
}

const values = parseFlags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PLENARY_PORT ?? 4455);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Invalid port: ${values.port ?? process.env.PLENARY_PORT}`);
const host = values.host ?? process.env.PLENARY_HOST ?? '127.0.0.1';
const dataDir = resolve(values.data ?? process.env.PLENARY_DATA ?? 'plenary-data');
const redisUrl = values.redis ?? process.env.PLENARY_REDIS;
const maxMessageBytes = Number(values['max-message-bytes'] ?? process.env.PLENARY_MAX_MESSAGE_BYTES ?? 16 * 1024 * 1024);
if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1024) fail('Invalid --max-message-bytes (at least 1024).');
if (redisUrl && !/^redis:\/\//.test(redisUrl)) fail(`Invalid Redis URL: ${redisUrl}`);
const onlyMembers = values['members-only'] ?? process.env.PLENARY_MEMBERS_ONLY === '1';

logUnhandledRejections((reason) => log('error', 'process.unhandled_rejection', { reason }));
try {
  // Servers sharing reports through Redis share the tokens they took there too.
  const nonces = onlyMembers && redisUrl
    ? await takenThroughRedis(redisUrl, (reason) => log('warn', 'access.nonces_unshared', { reason }))
    : undefined;
  const server = await startSyncServer({ host, port, dataDir, redisUrl, maxMessageBytes, log, authorize: onlyMembers ? membersOnly({ log, nonces }) : undefined });
  log('info', 'server.access', { membersOnly: onlyMembers });
  const stop = (signal: string): void => {
    log('info', 'server.signal', { signal });
    server.close().then(() => nonces?.close()).then(
      () => process.exit(0),
      (error: Error) => {
        log('error', 'server.stop_failed', { reason: error.message });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // (Said once a SIGTERM would stop it cleanly: a service manager may send one at once.)
  process.stdout.write(`Plenary sync server at ${server.url}\n`);
} catch (error) {
  log('error', 'server.start_failed', { reason: listenProblem(error, { sameKind: 'another sync server', notThisComputers: 'give one of its own with --host (0.0.0.0 listens on all of them)' }) });
  process.exit(1);
}
