// API keys: sent as a Bearer token or as the Basic user name, stored as SHA-256 hashes.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../core/errors.ts';
import type { ApiKeyRecord, Store } from '../store/types.ts';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const NO_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

function maskKey(key: string): string {
  const prefix = key.match(/^(sk|rk|pk)_(test|live)_/)?.[0] ?? '';
  // Only the part after the prefix is masked: a short key never shows prefix characters twice.
  const rest = key.slice(prefix.length);
  const last4 = rest.slice(-4);
  return `${prefix}${'*'.repeat(rest.length - last4.length)}${last4}`;
}

export function keyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':', 1)[0];
  }
  return undefined;
}

/** A remembered key is looked up again after this long, so `cashbook keys revoke` takes effect in running servers. */
export const KEY_RECHECK_MS = 2000;

/** Resolves keys to accounts, remembering recent hits so the hot path skips the database. */
export class Authenticator {
  private readonly cache = new Map<string, { record: ApiKeyRecord; checkedAt: number }>();
  constructor(private readonly store: Store, private readonly cacheSize = 10_000) {}

  async authenticate(header: string | undefined): Promise<ApiKeyRecord> {
    const key = keyFromHeader(header);
    if (!key) throw new ApiError(NO_KEY_MESSAGE, { status: 401 });
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    let record = cached && now - cached.checkedAt < KEY_RECHECK_MS ? cached.record : undefined;
    if (!record) {
      record = await this.store.read((tx) => tx.findApiKey(hash));
      if (record) {
        if (!cached && this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(hash, { record, checkedAt: now });
      } else {
        this.cache.delete(hash); // revoked
      }
    }
    // The lookup is by hash; the constant-time comparison guards against a hash-index timing oracle.
    if (!record || !timingSafeEqual(Buffer.from(record.keyHash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new ApiError(`Invalid API Key provided: ${maskKey(key)}`, { status: 401, code: 'api_key_invalid' });
    }
    if (key.startsWith('pk_')) {
      throw new ApiError('This API call cannot be made with a publishable API key. Please use a secret API key.', { status: 401, code: 'secret_key_required' });
    }
    return record;
  }
}
