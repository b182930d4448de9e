// Which endpoints an account's events go to, kept as one row per account (`webhook_routing`,
// migration 9) so that emitting an event reads one small row instead of every endpoint object.
// The endpoint service rewrites the row in the same transaction as any endpoint change.
import { endpointWants } from '../../core/event-types.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';

export interface Route {
  id: string;
  livemode: boolean;
  enabled_events: string[];
}

interface RoutingRow extends StoredObject {
  object: 'webhook_routing';
  /** The account's enabled endpoints, oldest first. */
  endpoints: Route[];
}

/** The ids of the endpoints an event of `type` (in `livemode`) is to be delivered to, oldest first. */
export async function routeEvent(tx: ReadTx, accountId: string, livemode: boolean, type: string): Promise<string[]> {
  const row = await tx.get<RoutingRow>('webhook_routing', accountId, accountId);
  if (!row) return [];
  return row.endpoints.filter((route) => route.livemode === livemode && endpointWants(route.enabled_events, type)).map((route) => route.id);
}

/**
 * Serializes changes to one account's endpoints (the account row's lock, on engines with row
 * locks), so that two concurrent changes can't each rewrite the routing from a stale list.
 * Call it before reading the endpoints a change depends on.
 */
export async function lockRouting(tx: Tx, accountId: string): Promise<void> {
  await tx.getForUpdate('accounts', accountId, accountId);
}

/** Rewrites the account's routing from its endpoint rows; no row when none is enabled. */
export async function refreshRouting(tx: Tx, accountId: string): Promise<void> {
  const enabled = await tx.all<Route & StoredObject>('webhook_endpoints', accountId, { status: 'enabled' });
  const endpoints = enabled.map(({ id, livemode, enabled_events }) => ({ id, livemode, enabled_events }));
  // Locked: a copy read earlier in the transaction (the store may read it ahead) could be stale.
  const existing = await tx.getForUpdate<RoutingRow>('webhook_routing', accountId, accountId);
  const row: RoutingRow = { id: accountId, object: 'webhook_routing', created: existing?.created ?? 0, endpoints };
  if (endpoints.length === 0) {
    if (existing) await tx.remove('webhook_routing', accountId, accountId);
  } else if (existing) await tx.update('webhook_routing', accountId, row);
  else await tx.insert('webhook_routing', accountId, row);
}
