// Managing secret keys from the command line (`cashbook keys …`). Keys are stored as SHA-256
// hashes with their last four characters: a key is shown once, when it is made, and a lost
// key is replaced by making another, never recovered.
import { hashApiKey } from '../../wire/auth.ts';
import type { ApiKeyRecord, Store } from '../../store/types.ts';
import { ApiError } from '../../core/errors.ts';
import { DEFAULT_ACCOUNT_ID, DEFAULT_LIVE_ACCOUNT_ID, MAX_REVOKED, createAccount, insertApiKey, newSecretKey, type Account } from './service.ts';

export function listKeys(store: Store, accountId?: string): Promise<ApiKeyRecord[]> {
  return store.read((tx) => tx.listApiKeys(accountId));
}

/** A key as it may be shown: its mode's prefix and last four characters. */
export function maskedKey(record: ApiKeyRecord): string {
  return `sk_${record.livemode ? 'live' : 'test'}_…${record.last4}`;
}

/**
 * Makes a new secret key. Without an account: the default account's test mode, or with
 * `live` its live mode (made on first use). A named account must exist; a key has its mode.
 */
export async function createKey(store: Store, options: { accountId?: string; live?: boolean; now: number }): Promise<{ accountId: string; key: string; livemode: boolean }> {
  const accountId = options.accountId ?? (options.live ? DEFAULT_LIVE_ACCOUNT_ID : DEFAULT_ACCOUNT_ID);
  const account = await store.read((tx) => tx.get<Account>('accounts', accountId, accountId));
  if (!account) {
    if (accountId === DEFAULT_LIVE_ACCOUNT_ID && options.accountId === undefined) {
      const made = await createAccount(store, { id: accountId, livemode: true, now: options.now });
      return { accountId, key: made.key, livemode: true };
    }
    throw new ApiError(`no account ${accountId} (\`cashbook keys list\` shows the accounts that have keys)`);
  }
  if (options.live && !account.livemode) {
    throw new ApiError(`${accountId} is a test-mode account: its keys are sk_test_ keys${accountId === DEFAULT_ACCOUNT_ID ? ` (the default account's live mode is ${DEFAULT_LIVE_ACCOUNT_ID}: leave out --account)` : ''}`);
  }
  const key = newSecretKey(account.livemode);
  await store.write((tx) => insertApiKey(tx, accountId, key, account.livemode, options.now));
  return { accountId, key, livemode: account.livemode };
}

/**
 * Revokes one key, named by the whole key or by its last four characters (with `accountId`
 * to choose between accounts). Refuses an account's last key unless `force`: without a key
 * nobody can reach its objects.
 */
export async function revokeKey(store: Store, which: string, options: { accountId?: string; force?: boolean } = {}): Promise<ApiKeyRecord> {
  const all = await listKeys(store, options.accountId);
  let matches: ApiKeyRecord[];
  if (/^(sk|rk)_(test|live)_./.test(which) && which.length > 12) {
    const hash = hashApiKey(which);
    matches = all.filter((record) => record.keyHash === hash);
    if (matches.length === 0) throw new ApiError(`no such key${options.accountId ? ` in ${options.accountId}` : ''} (it may have been revoked already)`);
  } else {
    const last4 = which.replace(/^(sk|rk)_(test|live)_(…|\.\.\.)?/, '');
    if (!/^[A-Za-z0-9]{4}$/.test(last4)) throw new ApiError(`name the key by its last four characters or give the whole key, not "${which}"`);
    matches = all.filter((record) => record.last4 === last4 && (!/^(sk|rk)_live_/.test(which) || record.livemode) && (!/^(sk|rk)_test_/.test(which) || !record.livemode));
    if (matches.length === 0) throw new ApiError(`no key ends in ${last4}${options.accountId ? ` in ${options.accountId}` : ''} (\`cashbook keys list\` shows them)`);
    if (matches.length > 1) {
      throw new ApiError(`${matches.length} keys end in ${last4} (${matches.map((m) => `${m.accountId} ${m.livemode ? 'live' : 'test'}`).join(', ')}): give the whole key, or --account`);
    }
  }
  const record = matches[0];
  const siblings = (await listKeys(store, record.accountId)).filter((other) => other.keyHash !== record.keyHash);
  if (siblings.length === 0 && !options.force) {
    throw new ApiError(`${maskedKey(record)} is the last key of ${record.accountId}: revoking it locks the account out (make another with \`cashbook keys create --account ${record.accountId}\` first, or pass --force)`);
  }
  await store.write(async (tx) => {
    await tx.deleteApiKey(record.keyHash);
    // Kept where a start with CASHBOOK_API_KEY looks (refuseRevoked): the default account, whichever account the key was of, and that account.
    for (const id of new Set([DEFAULT_ACCOUNT_ID, record.accountId])) {
      const account = await tx.getForUpdate<Account>('accounts', id, id);
      if (account) await tx.update('accounts', id, { ...account, _revoked_keys: [...(account._revoked_keys ?? []), record.keyHash].slice(-MAX_REVOKED) });
    }
  });
  return record;
}
