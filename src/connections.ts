// Connection limits: timeouts that close idle and stalled sockets, and a cap on open
// connections below the process's file descriptor limit, so that idle sockets can never
// lock real clients out (1,100 idle sockets under `ulimit -n 1024` once did); and shutdown,
// which closes them all in bounded time.
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './core/errors.ts';

export interface ConnectionLimits {
  /** A socket with no traffic for this long is closed (Fastify's connectionTimeout). */
  idleTimeoutMs: number;
  /** A keep-alive socket is closed this long after its last response. */
  keepAliveTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this time, else 408. */
  requestTimeoutMs: number;
  /** Open connections at most; past 90% of it, idle ones are closed, oldest first. */
  maxConnections: number;
  /** On SIGTERM, requests in flight get this long to finish before every connection is closed. */
  shutdownGraceMs: number;
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

/** Node's timers take at most this many milliseconds: a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A positive whole number setting (milliseconds or a count), at most what a timer can wait. */
export function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new Error(`${name} must be a positive integer (at most ${MAX_TIMER_MS}), not ${JSON.stringify(text)}`);
  }
  return value;
}

export function connectionLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionLimits {
  const files = openFileLimit();
  const byFiles = files === undefined ? 10_000 : Math.max(16, files - RESERVED_DESCRIPTORS);
  return {
    idleTimeoutMs: positiveInteger(env.CASHBOOK_IDLE_TIMEOUT_MS, 'CASHBOOK_IDLE_TIMEOUT_MS', 120_000),
    keepAliveTimeoutMs: positiveInteger(env.CASHBOOK_KEEP_ALIVE_TIMEOUT_MS, 'CASHBOOK_KEEP_ALIVE_TIMEOUT_MS', 72_000),
    requestTimeoutMs: positiveInteger(env.CASHBOOK_REQUEST_TIMEOUT_MS, 'CASHBOOK_REQUEST_TIMEOUT_MS', 30_000),
    maxConnections: Math.min(byFiles, positiveInteger(env.CASHBOOK_MAX_CONNECTIONS, 'CASHBOOK_MAX_CONNECTIONS', 10_000)),
    shutdownGraceMs: positiveInteger(env.CASHBOOK_SHUTDOWN_GRACE_MS, 'CASHBOOK_SHUTDOWN_GRACE_MS', 10_000),
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
  openConnections.set(server, open);
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

/** Each server's open sockets and how many requests each has in progress (capConnections). */
const openConnections = new WeakMap<Server, Map<Socket, { busy: number }>>();

/** Closes every socket with no request in progress: between keep-alive requests, or one that never sent one. */
function closeUnused(server: Server): void {
  server.closeIdleConnections();
  // Node does not count a socket that never sent a request as idle: it would hold close() open until its idle timeout.
  for (const [socket, state] of openConnections.get(server) ?? []) if (state.busy === 0) socket.destroy();
}

function closeAll(server: Server): void {
  server.closeAllConnections();
  for (const socket of openConnections.get(server)?.keys() ?? []) socket.destroy();
}

/**
 * Closes the app gracefully: no new connection is accepted; a socket with no request in
 * progress is closed at once and each other one as soon as its request is answered; after
 * `graceMs` every socket still open is closed (a request still running then finishes with no
 * one to answer: an answer is sent only after its commit, so nothing acknowledged is lost).
 */
export async function closeApp(app: { server: Server; close(): Promise<unknown> }, graceMs = 10_000): Promise<void> {
  const closing = app.close();
  closeUnused(app.server);
  const sweep = setInterval(() => closeUnused(app.server), 50);
  const deadline = setTimeout(() => closeAll(app.server), graceMs);
  try {
    await closing;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}

/** The reply to a request that arrives while the server closes (Fastify's own is not Stripe's shape, and has no Request-Id). */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) {
      throw new ApiError('Cashbook is shutting down and did not process this request: retry it.', { status: 503, type: 'api_error', headers: { 'stripe-should-retry': 'true' } });
    }
  });
}
