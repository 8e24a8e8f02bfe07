/**
 * What a server that could not listen says: which port or address, and what to do about
 * it, where Node says "listen EADDRINUSE: address already in use 127.0.0.1:4455". Any
 * other failure keeps Node's own message. The sync server and the browser host print it;
 * a meeting the app hosts shows it in Host a meeting….
 */
export interface ListenContext {
  /** What else may hold the port, as the user knows it ("another sync server"). */
  sameKind: string;
  /** What to do when the address is not this computer's ("give one of its own with --host"). */
  notThisComputers?: string;
}

export function listenProblem(error: unknown, { sameKind, notThisComputers }: ListenContext): string {
  const { code, address, port, message } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  switch (code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${address} is already in use (${sameKind}, or another program): stop that one, or give another --port (0 takes a free one).`;
    case 'EACCES':
      return `Port ${port} on ${address} needs privileges this user does not have: give a port above 1023 with --port.`;
    case 'EADDRNOTAVAIL':
      return notThisComputers ? `${address} is not an address of this computer: ${notThisComputers}.` : `${address} is not an address of this computer.`;
    default:
      return error instanceof Error ? message : String(error);
  }
}
