// Accounts and their API keys. Every other object belongs to exactly one account.
import { hashApiKey } from '../../wire/auth.ts';
import { randomBase62 } from '../../core/ids.ts';
import type { ReadTx, Store, StoredObject, Tx } from '../../store/types.ts';

export type ReconciliationMode = 'automatic' | 'manual';

export interface Account extends StoredObject {
  object: 'account';
  livemode: boolean;
  settings: {
    default_reconciliation_mode: ReconciliationMode;
    /** Two-letter country of the merchant; decides default EU IBAN country. */
    country: string;
    business_name: string;
  };
  /** Hashes of keys revoked by `cashbook keys revoke` (on the default test account: of any account), which CASHBOOK_API_KEY never adds again (newest last, at most MAX_REVOKED). */
  _revoked_keys?: string[];
}

/** How many revoked key hashes an account remembers. */
export const MAX_REVOKED = 1_000;

export async function loadAccount(tx: ReadTx, accountId: string): Promise<Account> {
  const account = await tx.get<Account>('accounts', accountId, accountId);
  if (!account) throw new Error(`account ${accountId} is missing`);
  return account;
}

export function newSecretKey(livemode: boolean): string {
  return `sk_${livemode ? 'live' : 'test'}_${randomBase62(32)}`;
}

export async function insertApiKey(tx: Tx, accountId: string, key: string, livemode: boolean, now: number): Promise<void> {
  await tx.insertApiKey({ keyHash: hashApiKey(key), accountId, livemode, created: now, last4: key.slice(-4) });
}

/** Creates an account with one secret key; returns both. */
export async function createAccount(store: Store, options: { key?: string; livemode?: boolean; now: number; id?: string }): Promise<{ accountId: string; key: string }> {
  const livemode = options.livemode ?? false;
  const accountId = options.id ?? `acct_${randomBase62(16)}`;
  const key = options.key ?? newSecretKey(livemode);
  await store.write(async (tx) => {
    const account: Account = {
      id: accountId,
      object: 'account',
      created: options.now,
      livemode,
      settings: { default_reconciliation_mode: 'automatic', country: 'US', business_name: 'Cashbook Merchant' },
    };
    await tx.insert('accounts', accountId, account);
    await insertApiKey(tx, accountId, key, livemode, options.now);
  });
  return { accountId, key };
}

/** CASHBOOK_API_KEY names a key that was revoked: the server does not start. */
export class RevokedKeyError extends Error {}

export const DEFAULT_ACCOUNT_ID = 'acct_default';
/** The default account's live mode: its own objects, never the test account's. */
export const DEFAULT_LIVE_ACCOUNT_ID = 'acct_default_live';

export function isLiveKey(key: string): boolean {
  return key.startsWith('sk_live_');
}

/**
 * A revoked key left in a unit file or CI secret must not come back with the next restart, for
 * any account it was of. Revocations are kept on the default account and on the key's own
 * (keys.ts revokeKey): the own one counts for a database that had no default account then.
 */
async function refuseRevoked(store: Store, key: string): Promise<void> {
  const hash = hashApiKey(key);
  const revoked = await store.read(async (tx) => {
    if (await tx.findApiKey(hash)) return false;
    const accounts = new Set([DEFAULT_ACCOUNT_ID, ...(await tx.listApiKeys()).map((record) => record.accountId)]);
    for (const id of accounts) if ((await tx.get<Account>('accounts', id, id))?._revoked_keys?.includes(hash)) return true;
    return false;
  });
  if (revoked) throw new RevokedKeyError(`CASHBOOK_API_KEY (…${key.slice(-4)}) was revoked with \`cashbook keys revoke\`: set it to a key that is not revoked (\`cashbook keys create\`), or unset it`);
}

/** Creates the account unless it exists (several instances may start at once on PostgreSQL). */
async function ensureAccount(store: Store, id: string, livemode: boolean, now: number, key?: string): Promise<{ created: boolean; key?: string }> {
  if (await store.read((tx) => tx.get<Account>('accounts', id, id))) return { created: false };
  try {
    return { created: true, key: (await createAccount(store, { id, key, livemode, now })).key };
  } catch (error) {
    if (!(await store.read((tx) => tx.get<Account>('accounts', id, id)))) throw error;
    return { created: false };
  }
}

/**
 * Makes sure the default account exists (test mode). Returns its key when it was made now.
 * With `fixedKey`, that key is registered for the default account of the key's own mode: a
 * `sk_live_` key belongs to the live default account (made on first use), so it never sees
 * test objects nor test helpers, and a test key never sees live ones.
 */
export async function ensureDefaultAccount(store: Store, now: number, fixedKey?: string): Promise<{ created: boolean; key?: string; moved?: boolean }> {
  if (fixedKey !== undefined) await refuseRevoked(store, fixedKey);
  const live = fixedKey !== undefined && isLiveKey(fixedKey);
  const test = await ensureAccount(store, DEFAULT_ACCOUNT_ID, false, now, live ? undefined : fixedKey);
  if (!fixedKey) return test;
  const accountId = live ? DEFAULT_LIVE_ACCOUNT_ID : DEFAULT_ACCOUNT_ID;
  if (live && (await ensureAccount(store, accountId, true, now, fixedKey)).created) return { created: test.created, key: test.key };
  let moved = false;
  // Checked again inside the transaction: a concurrent instance may be registering it too.
  await store.write(async (tx) => {
    const hash = hashApiKey(fixedKey);
    const record = await tx.findApiKey(hash);
    if (record?.accountId === accountId && record.livemode === live) return;
    if (record && record.accountId !== DEFAULT_ACCOUNT_ID && record.accountId !== DEFAULT_LIVE_ACCOUNT_ID) return; // another account's key: left alone
    // Earlier versions attached a live CASHBOOK_API_KEY to the test account: move it to live.
    if (record) await tx.deleteApiKey(hash);
    moved = record !== undefined;
    await insertApiKey(tx, accountId, fixedKey, live, now);
  });
  return { created: test.created, key: test.key, moved };
}
