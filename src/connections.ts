// Connection limits: timeouts that close idle and stalled sockets, and a cap on open
// connections below the process's file descriptor limit, so that idle sockets can never
// lock real clients out (1,100 idle sockets under `ulimit -n 1024` once did).
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** A socket with no traffic for this long is closed (Fastify's connectionTimeout). */
  idleTimeoutMs: number;
  /** A keep-alive socket is closed this long after its last response. */
  keepAliveTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this time, else 408. */
  requestTimeoutMs: number;
  /** Open connections at most; past 90% of it, idle ones are closed, oldest first. */
  maxConnections: number;
}

/** Descriptors kept free for the database, log files and outgoing webhook connections. */
const RESERVED_DESCRIPTORS = 128;

/** The soft limit on open files (`ulimit -n`), read from /proc on Linux; undefined elsewhere. */
function openFileLimit(): number | undefined {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const value = Number(soft);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

function positive(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(text)}`);
  return value;
}

export function connectionLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionLimits {
  const files = openFileLimit();
  const byFiles = files === undefined ? 10_000 : Math.max(16, files - RESERVED_DESCRIPTORS);
  return {
    idleTimeoutMs: positive(env.CASHBOOK_IDLE_TIMEOUT_MS, 'CASHBOOK_IDLE_TIMEOUT_MS', 120_000),
    keepAliveTimeoutMs: positive(env.CASHBOOK_KEEP_ALIVE_TIMEOUT_MS, 'CASHBOOK_KEEP_ALIVE_TIMEOUT_MS', 72_000),
    requestTimeoutMs: positive(env.CASHBOOK_REQUEST_TIMEOUT_MS, 'CASHBOOK_REQUEST_TIMEOUT_MS', 30_000),
    maxConnections: Math.min(byFiles, positive(env.CASHBOOK_MAX_CONNECTIONS, 'CASHBOOK_MAX_CONNECTIONS', 10_000)),
  };
}

/**
 * Caps open connections. Past 90% of the cap, sockets with no request in progress are closed,
 * oldest first, down to 80%, so a new client finds room even when idle sockets filled the
 * server; at the cap itself Node refuses the connection at once (its descriptor freed).
 */
export function capConnections(server: Server, maxConnections: number): void {
  server.maxConnections = maxConnections;
  const open = new Map<Socket, { busy: number }>(); // insertion order is age order
  const high = Math.max(1, Math.floor(maxConnections * 0.9));
  const low = Math.floor(maxConnections * 0.8);
  server.on('connection', (socket: Socket) => {
    open.set(socket, { busy: 0 });
    socket.once('close', () => open.delete(socket));
    if (open.size < high) return;
    for (const [other, state] of open) {
      if (open.size <= low) break;
      if (state.busy === 0 && other !== socket) {
        open.delete(other);
        other.destroy();
      }
    }
  });
  server.on('request', (request, response) => {
    const state = open.get(request.socket);
    if (!state) return;
    state.busy++;
    response.once('close', () => state.busy--);
  });
}

/**
 * Closes the app gracefully: requests in flight finish, and each keep-alive socket is closed
 * as soon as it is idle (one whose request was in flight when closing began, or a browser's
 * spare socket, would otherwise hold app.close() open until its keep-alive or headers timeout).
 */
export async function closeApp(app: { server: Server; close(): Promise<unknown> }): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}
