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
}

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

export const DEFAULT_ACCOUNT_ID = 'acct_default';

/**
 * Makes sure the default account exists. Returns a key to print when one was made now;
 * with `fixedKey`, that key is registered for the default account if it is not yet.
 */
export async function ensureDefaultAccount(store: Store, now: number, fixedKey?: string): Promise<{ created: boolean; key?: string }> {
  const existing = await store.read((tx) => tx.get<Account>('accounts', DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_ID));
  if (!existing) {
    try {
      const { key } = await createAccount(store, { id: DEFAULT_ACCOUNT_ID, key: fixedKey, now });
      return { created: true, key };
    } catch (error) {
      // Several instances starting at once on one PostgreSQL database: another made it first.
      if (!(await store.read((tx) => tx.get<Account>('accounts', DEFAULT_ACCOUNT_ID, DEFAULT_ACCOUNT_ID)))) throw error;
    }
  }
  if (fixedKey && !(await store.read((tx) => tx.findApiKey(hashApiKey(fixedKey))))) {
    // Checked again inside the transaction: a concurrent instance may be registering it too.
    await store.write(async (tx) => {
      if (!(await tx.findApiKey(hashApiKey(fixedKey)))) await insertApiKey(tx, DEFAULT_ACCOUNT_ID, fixedKey, fixedKey.startsWith('sk_live_'), now);
    });
  }
  return { created: false, key: fixedKey };
}
