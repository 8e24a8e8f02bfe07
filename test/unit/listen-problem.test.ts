/**
 * The causes a server's listen fails for that tests cannot bring about here (the tests
 * run as root, who may take any port): Node's error, as Node makes it, told as what to do.
 * A port in use and a foreign address are shown by the commands themselves
 * (sync-server, web-host).
 */
import { describe, expect, it } from 'vitest';
import { listenProblem } from '../../main/services/sync/listen-problem.ts';

function listenError(code: string, address: string, port: number): Error {
  return Object.assign(new Error(`listen ${code}: ${address}:${port}`), { code, errno: -13, syscall: 'listen', address, port });
}

describe('a server that cannot listen', () => {
  it('on a port below 1024 without the privilege: says to take a higher one', () => {
    expect(listenProblem(listenError('EACCES', '0.0.0.0', 80), { sameKind: 'another sync server', notThisComputers: 'give one of its own with --host (0.0.0.0 listens on all of them)' })).toBe(
      'Port 80 on 0.0.0.0 needs privileges this user does not have: give a port above 1023 with --port.',
    );
  });

  it('for any other reason: Node\'s own message', () => {
    expect(listenProblem(listenError('EMFILE', '127.0.0.1', 4455), { sameKind: 'another sync server' })).toBe('listen EMFILE: 127.0.0.1:4455');
    expect(listenProblem('not an error', { sameKind: 'another sync server' })).toBe('not an error');
  });
});
