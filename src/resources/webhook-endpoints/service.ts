// Webhook endpoints: where events are sent, which ones, and the secret that signs them.
import { ApiError, errors } from '../../core/errors.ts';
import { EVENT_TYPES } from '../../core/event-types.ts';
import { randomBase62 } from '../../core/ids.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { toWire } from '../../wire/wire-object.ts';
import type { Delivery } from '../events/emit.ts';
import type { CreateEndpointParams, UpdateEndpointParams } from './params.ts';
import { lockRouting, refreshRouting } from './routing.ts';

export interface WebhookEndpoint extends StoredObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  livemode: boolean;
  metadata: Record<string, string>;
  _secret: string;
}

/** Stripe caps an account at 16 endpoints. */
export const MAX_ENDPOINTS = 16;
const API_VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

function checkUrl(url: string, livemode: boolean): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  // As written, not only as the URL parser repairs it: no blanks or control characters, a host right after `//` (`http:///x` is no URL of host x).
  const written = /^https?:\/\/[^/?#\\]/i.test(url) && !/[\s\u0000-\u001f\u007f]/.test(url);
  const ok = written && parsed && (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && !livemode)) && parsed.hostname !== '';
  if (!ok) {
    // Plain http is allowed in test mode only, for local development (spec §4, inferred).
    throw new ApiError(`Invalid URL: ${url}. URLs must be valid ${livemode ? 'HTTPS' : 'HTTP or HTTPS'} URLs.`, { code: 'url_invalid', param: 'url' });
  }
}

function checkEnabledEvents(events: string[]): string[] {
  if (events.length === 0) throw new ApiError('You must specify at least one event in enabled_events.', { param: 'enabled_events' });
  events.forEach((type, index) => {
    if (type !== '*' && !EVENT_TYPES.has(type)) {
      throw new ApiError(`Invalid enabled_events[${index}]: '${type}' is not a valid event type.`, { param: 'enabled_events' });
    }
  });
  return [...new Set(events)];
}

export async function loadEndpoint(tx: ReadTx, ctx: RequestContext, id: string): Promise<WebhookEndpoint> {
  const endpoint = await tx.get<WebhookEndpoint>('webhook_endpoints', ctx.accountId, id);
  if (!endpoint) throw errors.noSuch('webhook_endpoint', id, 'webhook_endpoint');
  return endpoint;
}

/** The created endpoint, with its secret: the only response that shows it. */
export async function createEndpoint(tx: Tx, ctx: RequestContext, params: CreateEndpointParams): Promise<Record<string, unknown>> {
  checkUrl(params.url, ctx.livemode);
  const enabled = checkEnabledEvents(params.enabled_events);
  if (params.connect) throw new ApiError('Connect endpoints are not supported by Cashbook.', { param: 'connect' });
  if (params.api_version !== undefined && !API_VERSION_FORMAT.test(params.api_version)) {
    throw new ApiError(`Invalid api_version: ${params.api_version}`, { param: 'api_version' });
  }
  await lockRouting(tx, ctx.accountId);
  const existing = await tx.list('webhook_endpoints', ctx.accountId, { limit: MAX_ENDPOINTS });
  if (existing.hasMore || existing.data.length >= MAX_ENDPOINTS) {
    throw new ApiError(`You have reached the maximum of ${MAX_ENDPOINTS} webhook endpoints for this account.`, { param: 'url' });
  }
  const endpoint: WebhookEndpoint = {
    id: ctx.ids('we'),
    object: 'webhook_endpoint',
    // Events are always rendered in our one version; the requested one is recorded and shown.
    api_version: params.api_version ?? null,
    application: null,
    created: ctx.clock.nowSeconds(),
    description: params.description ?? null,
    enabled_events: enabled,
    livemode: ctx.livemode,
    metadata: mergeMetadata({}, params.metadata, true),
    status: 'enabled',
    url: params.url,
    _secret: `whsec_${randomBase62(32)}`,
  };
  await tx.insert('webhook_endpoints', ctx.accountId, endpoint);
  await refreshRouting(tx, ctx.accountId);
  return { ...toWire(endpoint), secret: endpoint._secret };
}

export async function updateEndpoint(tx: Tx, ctx: RequestContext, id: string, params: UpdateEndpointParams): Promise<WebhookEndpoint> {
  await lockRouting(tx, ctx.accountId);
  const endpoint = await tx.getForUpdate<WebhookEndpoint>('webhook_endpoints', ctx.accountId, id);
  if (!endpoint) throw errors.noSuch('webhook_endpoint', id, 'webhook_endpoint');
  const next: WebhookEndpoint = { ...endpoint };
  if (params.url !== undefined) {
    checkUrl(params.url, ctx.livemode);
    next.url = params.url;
  }
  if (params.enabled_events !== undefined) next.enabled_events = checkEnabledEvents(params.enabled_events);
  if (params.description !== undefined) next.description = params.description;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(endpoint.metadata, params.metadata, Object.keys(params.metadata).length === 0);
  if (params.disabled !== undefined) next.status = params.disabled ? 'disabled' : 'enabled';
  await tx.update('webhook_endpoints', ctx.accountId, next);
  if (next.status !== endpoint.status || next.enabled_events !== endpoint.enabled_events) await refreshRouting(tx, ctx.accountId);
  return next;
}

/** Deletes the endpoint; its pending deliveries stop (spec §4: retries stop for a deleted endpoint). */
export async function deleteEndpoint(tx: Tx, ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  await lockRouting(tx, ctx.accountId);
  await loadEndpoint(tx, ctx, id);
  await tx.remove('webhook_endpoints', ctx.accountId, id);
  await refreshRouting(tx, ctx.accountId);
  for (const delivery of await tx.all<Delivery>('webhook_deliveries', ctx.accountId, { endpoint: id, status: 'pending' })) {
    await tx.update('webhook_deliveries', ctx.accountId, { ...delivery, status: 'canceled', next_attempt_at: null });
  }
  return { id, object: 'webhook_endpoint', deleted: true };
}
