// Tokens of the hosted bank-transfer instructions pages. The page is public (no API key), so
// the token is the only key: 32 random base-62 characters, stored under the pseudo-account
// '_public' with the account and intent it opens.
import { randomBase62 } from '../../core/ids.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';

export const PUBLIC_ACCOUNT = '_public';
export const HOSTED_PATH = '/bank_transfers/instructions';

export interface HostedInstructions extends StoredObject {
  account_id: string;
  payment_intent: string;
}

/**
 * Base URLs used when a caller has none, one per open app (set by the routes from config or the
 * listening socket): the most recently opened app that is still open wins, so an app closed in
 * the same process (a test's second server) hands the default back instead of leaving it dead.
 */
const defaultBaseUrls: (() => string)[] = [];

/** Registers an app's base URL as the default; the returned function withdraws it (on close). */
export function setDefaultPublicBaseUrl(resolve: () => string): () => void {
  defaultBaseUrls.push(resolve);
  return () => {
    const index = defaultBaseUrls.lastIndexOf(resolve);
    if (index >= 0) defaultBaseUrls.splice(index, 1);
  };
}

export function publicBaseUrl(): string {
  const resolve = defaultBaseUrls[defaultBaseUrls.length - 1];
  return (resolve ? resolve() : 'http://127.0.0.1:4242').replace(/\/+$/, '');
}

export async function createHostedToken(tx: Tx, ctx: RequestContext, paymentIntentId: string): Promise<string> {
  const token = `${ctx.livemode ? 'live' : 'test'}_${randomBase62(32)}`;
  const record: HostedInstructions = { id: token, created: ctx.clock.nowSeconds(), account_id: ctx.accountId, payment_intent: paymentIntentId };
  await tx.insert('hosted_instructions', PUBLIC_ACCOUNT, record);
  return token;
}

export function hostedUrl(token: string, baseUrl = publicBaseUrl()): string {
  return `${baseUrl.replace(/\/+$/, '')}${HOSTED_PATH}/${token}`;
}

export async function findHostedInstructions(tx: ReadTx, token: string): Promise<HostedInstructions | undefined> {
  if (!/^(test|live)_[0-9A-Za-z]{32}$/.test(token)) return undefined;
  return tx.get<HostedInstructions>('hosted_instructions', PUBLIC_ACCOUNT, token);
}
