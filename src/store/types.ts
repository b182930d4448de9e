// The store interface between services and a database. Two adapters implement it (SQLite,
// PostgreSQL); services never see SQL. Every call names the account it acts for.

export interface StoredObject {
  id: string;
  created: number;
  [field: string]: unknown;
}

export interface CreatedFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface ListQuery {
  /** Equality filters on a table's declared columns. */
  where?: Record<string, string | number | null>;
  /** Membership filters on declared columns (`column IN (...)`); an empty list matches nothing. */
  whereIn?: Record<string, (string | number)[]>;
  /** Declared columns that must be set (`column IS NOT NULL`). */
  whereNotNull?: string[];
  created?: CreatedFilter;
  /** Lower bounds on declared integer columns (`column >= value`). */
  atLeast?: Record<string, number>;
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

export interface ListPage<T> {
  data: T[];
  hasMore: boolean;
}

/** Rows whose integer `column` is at most `max`, smallest first: work that has come due. */
export interface DueQuery {
  /** A declared integer column. */
  column: string;
  max: number;
  /** Equality filters on declared columns. */
  where?: Record<string, string | number | null>;
  /** One account's rows; every account's when omitted. */
  accountId?: string;
  limit: number;
}

export interface DueRow<T> {
  accountId: string;
  object: T;
}

export interface IdempotencyRecord {
  accountId: string;
  key: string;
  requestHash: string;
  method: string;
  path: string;
  statusCode: number;
  responseBody: string;
  requestId: string;
  createdAt: number;
}

export interface ApiKeyRecord {
  keyHash: string;
  accountId: string;
  livemode: boolean;
  created: number;
  /** Last four characters, to show a key without revealing it. */
  last4: string;
}

export interface ReadTx {
  get<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined>;
  /** First row (oldest) whose columns equal `where`. */
  find<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T | undefined>;
  list<T extends StoredObject>(table: string, accountId: string, query: ListQuery): Promise<ListPage<T>>;
  /** Every row matching `where`, oldest first; for bounded sets only (a customer's open intents). */
  all<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T[]>;
  /** The customer's available cash balance per currency; empty when it never had one. */
  cashBalances(accountId: string, customerId: string): Promise<Record<string, number>>;
  /**
   * The sum of the lots (core/refund.ts lotAmount) of the customer's cash entries in `currency`
   * written after entry `entryId`: FIFO ageing of one lot.
   */
  cashCreditsAfter(accountId: string, customerId: string, currency: string, entryId: string): Promise<number>;
  /** The merchant's overdraft cover of this customer and currency not yet recovered by a sweep (migration 17). */
  cashCover(accountId: string, customerId: string, currency: string): Promise<number>;
  /**
   * Rows (of any account unless `accountId` is given) whose integer column is <= max, ordered
   * by that column then seq. Inside a write transaction on engines with row locks the rows are
   * locked and rows another transaction holds are skipped (FOR UPDATE SKIP LOCKED), so
   * concurrent claimers (webhook workers) split the work instead of waiting or doubling it.
   */
  due<T extends StoredObject>(table: string, query: DueQuery): Promise<DueRow<T>[]>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Every key (one account's when given), oldest first: hashes and last four characters only. */
  listApiKeys(accountId?: string): Promise<ApiKeyRecord[]>;
  getIdempotency(accountId: string, key: string): Promise<IdempotencyRecord | undefined>;
}

export interface Tx extends ReadTx {
  /** Reads a row and, on engines with row locks, locks it until commit. */
  getForUpdate<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined>;
  insert(table: string, accountId: string, object: StoredObject): Promise<void>;
  update(table: string, accountId: string, object: StoredObject): Promise<void>;
  remove(table: string, accountId: string, id: string): Promise<void>;
  /** Locks the balance row (creating it at 0 when missing) and returns its amount. */
  lockCashBalance(accountId: string, customerId: string, currency: string): Promise<number>;
  setCashBalance(accountId: string, customerId: string, currency: string, available: number): Promise<void>;
  /** Entry `entryId` stops being a lot of `amount` (a reversed funding): the running lot totals from it on drop by `amount`. */
  uncreditCash(accountId: string, customerId: string, currency: string, entryId: string, amount: number): Promise<void>;
  insertApiKey(record: ApiKeyRecord): Promise<void>;
  deleteApiKey(keyHash: string): Promise<void>;
  putIdempotency(record: IdempotencyRecord): Promise<void>;
  /** Runs `fn` so that its writes are undone if it throws, without ending the transaction. */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
}

/** Told about commits and retries, for metrics (src/metrics/). */
export interface StoreObserver {
  /** A commit made `transactions` writes durable (SQLite: a group) and COMMIT, fsync included, took `seconds`. */
  commit(transactions: number, seconds: number): void;
  /** A write was rolled back and is tried again after SQLSTATE `code` (PostgreSQL). */
  retry(code: string): void;
}

/** Work waiting across all accounts, read for metrics. */
export interface Backlog {
  /** Webhook deliveries by status. */
  deliveries: Record<string, number>;
  /** Events marked for fan-out and not yet turned into deliveries. */
  awaitingFanOut: number;
  /** `created` (unix seconds) of the oldest event with a delivery or fan-out still pending; null when none. */
  oldestPendingEvent: number | null;
  /** `due_at` of the oldest pending real-clock job already due at `nowSeconds`; null when none. */
  oldestDueJob: number | null;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Set by the server when it keeps metrics. */
  observer?: StoreObserver;
  /** A few aggregate reads over every account (metrics; not for the request path). */
  backlog(nowSeconds: number): Promise<Backlog>;
  migrate(): Promise<void>;
  /** Runs `fn` in one transaction; resolves only after the commit is durable. */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T>;
  pruneIdempotency(olderThanSeconds: number): Promise<number>;
  /** Why this store acknowledges no more writes, if it stopped (SQLite: an fdatasync failed); reads may still work. */
  failure?(): Error | null;
  close(): Promise<void>;
}
