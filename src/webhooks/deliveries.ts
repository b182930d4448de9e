// Delivery rows in the store: claiming due ones with a lease, and recording attempts.
// Every function here works over the Store interface only, so both engines run it.
import { nextAttemptAt, type RetrySchedule } from '../core/webhook-retry.ts';
import { randomIds } from '../core/ids.ts';
import type { Delivery, EventObject, OutboxRow } from '../resources/events/emit.ts';
import type { WebhookEndpoint } from '../resources/webhook-endpoints/service.ts';
import type { DueRow, ReadTx, Store, Tx } from '../store/types.ts';

/** Endpoint rows as the worker keeps them, with their failure marks. */
export interface EndpointRow extends WebhookEndpoint {
  /** Ms since epoch of the first failure in the current run of failures; null when healthy. */
  _failing_since?: number | null;
  _last_failure?: string | null;
}

export interface Claimed {
  accountId: string;
  delivery: Delivery;
  /** Identifies this claim, so a late answer from an expired lease can be told apart. */
  token: string;
}

/** Every endpoint of every account (a small set: at most 16 per account); livemode is 0 or 1. */
export async function allEndpoints(store: Store): Promise<DueRow<EndpointRow>[]> {
  return store.read((tx) => tx.due<EndpointRow>('webhook_endpoints', { column: 'livemode', max: 1, limit: 10_000 }));
}

/** Marked events, and outbox rows written before migration 8, that are due for fan-out. */
const FANOUT_SOURCES = [
  { table: 'events', column: '_fanout_due_at' },
  { table: 'webhook_outbox', column: 'due_at' },
] as const;

export async function hasFanOut(store: Store, now: number): Promise<boolean> {
  return store.read(async (tx) => {
    for (const { table, column } of FANOUT_SOURCES) if ((await tx.due(table, { column, max: now, limit: 1 })).length > 0) return true;
    return false;
  });
}

/**
 * Turns up to `limit` pending fan-outs (any account) into one pending delivery per endpoint, in
 * one transaction, and clears them; on PostgreSQL concurrent workers skip each other's rows.
 * Endpoints deleted since the event are skipped. Returns how many events it took.
 */
export async function fanOut(store: Store, now: number, limit: number): Promise<number> {
  return store.write(async (tx) => {
    const exists = new Map<string, boolean>();
    const deliver = async (accountId: string, eventId: string, created: number, endpoints: string[]) => {
      for (const endpoint of endpoints) {
        const key = `${accountId}\u0000${endpoint}`;
        if (!exists.has(key)) exists.set(key, (await tx.get('webhook_endpoints', accountId, endpoint)) !== undefined);
        if (!exists.get(key)) continue;
        const delivery: Delivery = { id: randomIds('whdl'), object: 'webhook_delivery', created, event: eventId, endpoint, status: 'pending', attempts: 0, next_attempt_at: now };
        await tx.insert('webhook_deliveries', accountId, delivery);
      }
    };
    const events = await tx.due<EventObject>('events', { column: '_fanout_due_at', max: now, limit });
    for (const { accountId, object: event } of events) {
      await deliver(accountId, event.id, event.created, event._endpoints ?? []);
      const { _endpoints, ...rest } = event;
      await tx.update('events', accountId, { ...rest, _fanout_due_at: null });
    }
    const legacy = events.length < limit ? await tx.due<OutboxRow>('webhook_outbox', { column: 'due_at', max: now, limit: limit - events.length }) : [];
    for (const { accountId, object } of legacy) {
      await deliver(accountId, object.event, object.created, object.endpoints);
      await tx.remove('webhook_outbox', accountId, object.id);
    }
    return events.length + legacy.length;
  });
}

function dueQuery(accountId: string, endpointId: string, now: number, limit: number) {
  return { column: 'next_attempt_at', max: now, where: { endpoint: endpointId }, accountId, limit };
}

export async function hasDue(tx: ReadTx, accountId: string, endpointId: string, now: number): Promise<boolean> {
  return (await tx.due('webhook_deliveries', dueQuery(accountId, endpointId, now, 1))).length > 0;
}

/**
 * Claims up to `limit` due deliveries of one endpoint: moves each one's next attempt to the end
 * of a lease and counts the attempt, in one transaction, before anything is sent. Another
 * worker sees them again only if this one dies and the lease runs out (at-least-once).
 * Deliveries due for a disabled endpoint are canceled instead (spec §4).
 */
export async function claimDue(store: Store, endpoint: DueRow<EndpointRow>, now: number, leaseMs: number, limit: number, token: string): Promise<Claimed[]> {
  return store.write(async (tx) => {
    const rows = await tx.due<Delivery>('webhook_deliveries', dueQuery(endpoint.accountId, endpoint.object.id, now, limit));
    const current = await tx.get<EndpointRow>('webhook_endpoints', endpoint.accountId, endpoint.object.id);
    const claimed: Claimed[] = [];
    for (const { object } of rows) {
      if (!current || current.status !== 'enabled') {
        await tx.update('webhook_deliveries', endpoint.accountId, { ...object, status: 'canceled', next_attempt_at: null });
        continue;
      }
      const delivery: Delivery = { ...object, attempts: object.attempts + 1, next_attempt_at: now + leaseMs, _claim: token };
      await tx.update('webhook_deliveries', endpoint.accountId, delivery);
      claimed.push({ accountId: endpoint.accountId, delivery, token });
    }
    return claimed;
  });
}

export interface Outcome {
  claimed: Claimed;
  ok: boolean;
  status: number | null;
  error: string | null;
  at: number;
  livemode: boolean;
}

/** Records attempts in one transaction: success finishes the delivery and counts down the event's `pending_webhooks`. */
export async function recordOutcomes(store: Store, outcomes: Outcome[], schedules: { live: RetrySchedule; test: RetrySchedule }): Promise<void> {
  await store.write(async (tx) => {
    const marks = new Map<string, { accountId: string; failure: string | null; at: number }>();
    const acks = new Map<string, { accountId: string; eventId: string; count: number }>();
    for (const outcome of outcomes) {
      const { accountId, delivery: claimedRow, token } = outcome.claimed;
      const delivery = await tx.getForUpdate<Delivery>('webhook_deliveries', accountId, claimedRow.id);
      if (!delivery || delivery.status !== 'pending') continue;
      // A failure reported under an expired lease belongs to whoever holds the row now.
      if (!outcome.ok && delivery._claim !== token) continue;
      const base = { ...delivery, last_attempt_at: outcome.at, last_status: outcome.status, last_error: outcome.error };
      if (outcome.ok) {
        await tx.update('webhook_deliveries', accountId, { ...base, status: 'succeeded', next_attempt_at: null });
        const key = `${accountId}\u0000${delivery.event}`;
        acks.set(key, { accountId, eventId: delivery.event, count: (acks.get(key)?.count ?? 0) + 1 });
      } else {
        const next = nextAttemptAt(outcome.livemode ? schedules.live : schedules.test, delivery.attempts, outcome.at);
        await tx.update('webhook_deliveries', accountId, { ...base, status: next === null ? 'failed' : 'pending', next_attempt_at: next });
      }
      marks.set(delivery.endpoint, { accountId, failure: outcome.ok ? null : (outcome.error ?? 'failed'), at: outcome.at });
    }
    for (const ack of acks.values()) await acknowledge(tx, ack.accountId, ack.eventId, ack.count);
    for (const [endpointId, mark] of marks) await markEndpoint(tx, mark.accountId, endpointId, mark.failure, mark.at);
  });
}

async function acknowledge(tx: Tx, accountId: string, eventId: string, count: number): Promise<void> {
  const event = await tx.getForUpdate<EventObject>('events', accountId, eventId);
  if (!event) return;
  const pending = Math.max(0, event.pending_webhooks - count);
  await tx.update('events', accountId, { ...event, pending_webhooks: pending, _delivery_success: pending === 0 ? 1 : 0 });
}

/** Marks an endpoint failing (since when, and why) or healthy again; writes only on a change. */
async function markEndpoint(tx: Tx, accountId: string, endpointId: string, failure: string | null, at: number): Promise<void> {
  const endpoint = await tx.getForUpdate<EndpointRow>('webhook_endpoints', accountId, endpointId);
  if (!endpoint) return;
  const failing = endpoint._failing_since != null;
  if (failure === null && failing) await tx.update('webhook_endpoints', accountId, { ...endpoint, _failing_since: null, _last_failure: null });
  if (failure !== null && (!failing || endpoint._last_failure !== failure)) {
    await tx.update('webhook_endpoints', accountId, { ...endpoint, _failing_since: endpoint._failing_since ?? at, _last_failure: failure });
  }
}
