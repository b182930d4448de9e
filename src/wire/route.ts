// The one place where Stripe's wire conventions meet a route: auth, parameter parsing,
// idempotency, the transaction, expansion and the response headers.
import type { ClockAdvancer } from '../resources/test-clocks/advancer.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import type { IdGenerator } from '../core/ids.ts';
import type { ReadTx, Store, Tx } from '../store/types.ts';
import type { Authenticator } from './auth.ts';
import type { RequestContext } from './context.ts';
import { STRIPE_VERSION } from './errors.ts';
import { expandResponse } from './expand.ts';
import { checkKey, checkReplay, inFlightError, keyPath, requestHash } from './idempotency.ts';
import { parseParams } from './params.ts';

export type WireObject = Record<string, unknown>;

export interface AppDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  auth: Authenticator;
  /** Idempotency keys whose first request is running in this process. */
  inFlight: Set<string>;
  apiVersion: string;
  /** Public base URL for links to pages Cashbook serves (hosted instructions). */
  publicUrl?: string;
  /** Runs test clock advances in the background. */
  advancer: ClockAdvancer;
}

interface HandlerArgs<P, Db> {
  ctx: RequestContext;
  tx: Db;
  params: P;
  path: Record<string, string>;
}

export interface WriteRoute<S extends z.ZodType> {
  method: 'POST' | 'DELETE';
  url: string;
  params: S;
  testModeOnly?: boolean;
  handler: (args: HandlerArgs<z.output<S>, Tx>) => Promise<WireObject>;
}

export interface ReadRoute<S extends z.ZodType> {
  method: 'GET';
  url: string;
  params: S;
  handler: (args: HandlerArgs<z.output<S>, ReadTx>) => Promise<WireObject>;
}

interface Outcome {
  status: number;
  body: string;
  headers?: Record<string, string>;
  replayedFrom?: string;
}

function rawParams(request: FastifyRequest): Record<string, unknown> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (request.method === 'GET' || request.method === 'DELETE') return query;
  const body = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new ApiError('Invalid request body: expected form-encoded parameters or a JSON object.');
  }
  return { ...query, ...((body as Record<string, unknown>) ?? {}) };
}

function send(reply: FastifyReply, deps: AppDeps, request: FastifyRequest, outcome: Outcome): FastifyReply {
  reply.code(outcome.status);
  reply.header('content-type', 'application/json');
  const asked = request.headers['stripe-version'];
  reply.header('stripe-version', typeof asked === 'string' && asked !== '' ? asked : deps.apiVersion);
  if (outcome.headers) for (const [name, value] of Object.entries(outcome.headers)) reply.header(name, value);
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string') reply.header('idempotency-key', key);
  if (outcome.replayedFrom) {
    reply.header('idempotent-replayed', 'true');
    reply.header('original-request', outcome.replayedFrom);
  }
  return reply.send(outcome.body);
}

/** The caller's context from its key: for routes that answer something other than JSON. */
export async function authenticateRequest(deps: AppDeps, request: FastifyRequest): Promise<RequestContext> {
  return contextFor(deps, request);
}

async function contextFor(deps: AppDeps, request: FastifyRequest): Promise<RequestContext> {
  const key = await deps.auth.authenticate(request.headers.authorization);
  const version = request.headers['stripe-version'];
  if (version !== undefined && version !== '' && (typeof version !== 'string' || !STRIPE_VERSION.test(version))) { // an empty header is no version asked for
    throw new ApiError(`Invalid Stripe API version: ${String(version).slice(0, 100)}. Send a version such as ${deps.apiVersion}, or no Stripe-Version header.`, { param: 'Stripe-Version' });
  }
  // Cashbook has no Connect: a request for another account is refused, as Stripe refuses it
  // for an account that is not a Connect platform (it would otherwise run on the key's own).
  const onBehalf = request.headers['stripe-account'];
  if (onBehalf !== undefined && onBehalf !== '' && onBehalf !== key.accountId) { // an empty header is none, as for Stripe-Version
    throw new ApiError(
      `Only Stripe Connect platforms can work with other accounts, and Cashbook has no Connect: send no Stripe-Account header (this key belongs to ${key.accountId}).`,
      { status: 403, param: 'Stripe-Account' },
    );
  }
  request.cashbookAccount = key.accountId; // for the request's log line
  const idempotencyKey = request.headers['idempotency-key'];
  return {
    accountId: key.accountId,
    livemode: key.livemode,
    requestId: request.id,
    idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey !== '' ? idempotencyKey : null,
    clock: deps.clock,
    ids: deps.ids,
  };
}

export function addReadRoute<S extends z.ZodType>(app: FastifyInstance, deps: AppDeps, route: ReadRoute<S>): void {
  app.get(route.url, async (request, reply) => {
    const ctx = await contextFor(deps, request);
    const params = parseParams(route.params, rawParams(request)) as z.output<S> & { expand?: string[] };
    const body = await deps.store.read(async (tx) => {
      const object = await route.handler({ ctx, tx, params, path: request.params as Record<string, string> });
      return JSON.stringify(await expandResponse(tx, ctx, object, params.expand));
    });
    return send(reply, deps, request, { status: 200, body });
  });
}

export function addWriteRoute<S extends z.ZodType>(app: FastifyInstance, deps: AppDeps, route: WriteRoute<S>): void {
  const register = route.method === 'POST' ? app.post.bind(app) : app.delete.bind(app);
  register(route.url, async (request, reply) => {
    const ctx = await contextFor(deps, request);
    if (route.testModeOnly && ctx.livemode) {
      throw new ApiError('Test helpers can only be used with a test mode API key.', { status: 400 });
    }
    const raw = rawParams(request);
    const params = parseParams(route.params, raw) as z.output<S> & { expand?: string[] };
    const path = request.params as Record<string, string>;
    return respondToWrite(deps, request, reply, ctx, raw, async (tx) => expandResponse(tx, ctx, await route.handler({ ctx, tx, params, path }), params.expand));
  });
}

/**
 * Runs a write and answers it, once per Idempotency-Key (a POST's): the status and body are
 * stored in the same transaction as the effect, and a retry with the key gets them back.
 * `raw` is what the request asked for (its parameters; a file route's file), hashed to tell a
 * retry from a different request with the same key.
 */
export async function respondToWrite(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, ctx: RequestContext, raw: unknown, run: (tx: Tx) => Promise<WireObject>): Promise<FastifyReply> {
  const key = request.method === 'POST' ? ctx.idempotencyKey : null;
  if (key === null) return send(reply, deps, request, await deps.store.write((tx) => execute(tx)));

  checkKey(key);
  const hash = requestHash(raw);
  const urlPath = keyPath(request.url);
  const slot = `${ctx.accountId}\u0000${key}`;
  if (deps.inFlight.has(slot)) {
    // The slot may be held by another replay of a request that has finished: answer what it
    // stored. Only a first attempt still running gets the 409.
    const stored = await deps.store.read((tx) => tx.getIdempotency(ctx.accountId, key));
    if (!stored) throw inFlightError(key);
    checkReplay(stored, request.method, urlPath, hash);
    return send(reply, deps, request, { status: stored.statusCode, body: stored.responseBody, replayedFrom: stored.requestId });
  }
  deps.inFlight.add(slot);
  try {
    const outcome = await deps.store.write(async (tx) => {
      const stored = await tx.getIdempotency(ctx.accountId, key);
      if (stored) {
        checkReplay(stored, request.method, urlPath, hash);
        return { status: stored.statusCode, body: stored.responseBody, replayedFrom: stored.requestId };
      }
      const result = await execute(tx);
      await tx.putIdempotency({
        accountId: ctx.accountId,
        key,
        requestHash: hash,
        method: request.method,
        path: urlPath,
        statusCode: result.status,
        responseBody: result.body,
        requestId: request.id,
        createdAt: Math.floor(Date.now() / 1000),
      });
      return result;
    });
    return send(reply, deps, request, outcome);
  } finally {
    deps.inFlight.delete(slot);
  }

  // Runs the write in a savepoint: an expected failure undoes its writes and becomes the
  // stored response, so a retry with the same key gets the same answer.
  async function execute(tx: Tx): Promise<Outcome> {
    try {
      const body = await tx.savepoint(async () => JSON.stringify(await run(tx)));
      return { status: 200, body };
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 409) throw error;
      return { status: error.status, body: JSON.stringify(error.toBody()), headers: error.headers };
    }
  }
}
