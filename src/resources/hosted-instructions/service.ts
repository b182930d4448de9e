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

/** Base URL used when a caller has none (set by the routes from config or the listening socket). */
let defaultBaseUrl: () => string = () => 'http://127.0.0.1:4242';

export function setDefaultPublicBaseUrl(resolve: () => string): void {
  defaultBaseUrl = resolve;
}

export function publicBaseUrl(): string {
  return defaultBaseUrl().replace(/\/+$/, '');
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
