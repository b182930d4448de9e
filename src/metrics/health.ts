// GET /healthz: 200 when this process can read its database, 503 when it cannot (PostgreSQL down
// or unreachable, a SQLite file gone bad) or its store acknowledges no more writes, so that a
// load balancer stops sending it requests that would all fail. One cheap indexed read, at most one in flight however often probes come.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.ts';
import type { Store } from '../store/types.ts';

/** A database that has not answered by then counts as down (a probe's own timeout is often 5 s). */
export const HEALTH_TIMEOUT_MS = 2_000;

export function healthRoute(store: Store, timeoutMs = HEALTH_TIMEOUT_MS) {
  let running: Promise<void> | undefined;
  const check = (): Promise<void> => {
    // A store that stopped acknowledging writes answers every write with a 500: not healthy, though it still reads.
    const stopped = store.failure?.();
    if (stopped) return Promise.reject(stopped);
    // A read of an id no account has: the primary key's index, nothing else.
    running ??= store.read(async (tx) => void (await tx.get('accounts', 'acct_healthz', 'acct_healthz'))).finally(() => (running = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([running, late]).finally(() => clearTimeout(timer));
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await check();
    } catch (error) {
      request.log.warn({ err: error }, 'health check: the database did not answer');
      // No detail of the database (its address, its error) to a caller that needs no key.
      const body = new ApiError(store.failure?.() ? 'Cashbook can no longer write to its database durably: restart it once the disk is sound.' : 'Cashbook cannot read its database.', { status: 503, type: 'api_error' }).toBody();
      return reply.code(503).header('content-type', 'application/json').send(JSON.stringify(body));
    }
    return { ok: true };
  };
}
