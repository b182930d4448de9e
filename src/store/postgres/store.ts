// PostgreSQL store: a connection pool, one READ COMMITTED transaction per write, row locks
// on what a command changes (balance rows via upsert-then-lock), bounded retries of
// serialization failures, deadlocks and unique-key races, and commits that are durable
// before they resolve (synchronous_commit stays on). Several Cashbook processes may share
// one database: nothing here relies on process-local state for correctness.
import pg from 'pg';
import { ApiError } from '../../core/errors.ts';
import { MIGRATIONS, refuseNewerDatabase } from '../migrations/index.ts';
import { DEFAULT_DATABASE_TIMEOUT_MS } from '../open.ts';
import { columnValues, tableSpec } from '../tables.ts';
import type { ApiKeyRecord, Backlog, DueQuery, DueRow, IdempotencyRecord, ListPage, ListQuery, ReadTx, Store, StoreObserver, StoredObject, Tx } from '../types.ts';
import { columnParam, dueSql, listSql, renderStep, whereClause } from './sql.ts';

/** Attempts of one write before it answers 409 with Stripe-Should-Retry. */
export const MAX_WRITE_ATTEMPTS = 8;
/** pg_advisory_lock key held while migrating ('cashbook' as a number). */
export const MIGRATION_LOCK = 0x636173686e6f6f6bn & 0x7fffffffffffffffn;

/** SQLSTATEs after which the whole transaction is retried from the start. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '23505', // unique_violation: another process inserted the same key first (idempotency keys)
  '55P03', // lock_not_available
]);

export interface PostgresStoreOptions {
  poolSize?: number;
  /** How long a statement may go unanswered, or a connection be waited for, before the database counts as hung (CASHBOOK_DATABASE_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Migrations and the idempotency sweep may rewrite or scan whole tables: their statements get hours, not the request bound. */
const LONG_STATEMENT_MS = 6 * 3_600_000;

type Row = Record<string, unknown>;
type Queryable = pg.PoolClient;

// Integers are BIGINT; every value we store is a safe integer (amounts are bounded).
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Reads outside a write transaction go over the simple query protocol with their values
 * inlined as literals (see literal()): one short message each, no prepared statement to
 * keep per connection. Write transactions use prepared statements, pipelined (see PgWriter).
 */
async function run(db: Queryable, text: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
  return db.query<Row>(values.length === 0 ? text : inline(text, values));
}

/** A string PostgreSQL text cannot hold (NUL) names no stored row; lookups by it find nothing. */
function unstorable(value: string): boolean {
  return value.includes('\u0000');
}

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}

/**
 * A write that must touch exactly one row, checked in the database (migration 10): an error
 * there stops the rest of its message, COMMIT included. `stale`: a miss means the row changed
 * since it was read, and the transaction is retried (40001).
 */
function oneRow(write: string, params: unknown[], stale: boolean, what: string): Pending {
  return { text: `WITH w AS (${write} RETURNING 1) SELECT cashbook_one_row(count(*), $${params.length + 1}, $${params.length + 2}) FROM w`, values: [...params, stale, what] };
}

export function conflictError(): ApiError {
  return new ApiError(
    'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request.',
    { status: 409, code: 'lock_timeout', headers: { 'Stripe-Should-Retry': 'true' } },
  );
}

class PgReader implements ReadTx {
  /** Rows read without a lock in a write transaction: table\0id → data as read. */
  protected readonly unlockedReads: Map<string, string> | undefined;

  constructor(protected readonly db: Queryable, trackReads: boolean) {
    this.unlockedReads = trackReads ? new Map() : undefined;
  }

  /** Runs one reading statement. The writer overrides this to send queued writes first. */
  protected query(text: string, params: unknown[]): Promise<Row[]> {
    return run(this.db, text, params).then((result) => result.rows);
  }

  /** A statement whose plan depends on its values (lists, due work): always sent with them inlined. */
  protected queryInline(text: string, params: unknown[]): Promise<Row[]> {
    return run(this.db, text, params).then((result) => result.rows);
  }

  protected remember(table: string, rows: Row[]): void {
    if (!this.unlockedReads) return;
    for (const row of rows) this.unlockedReads.set(`${table}\u0000${row.id as string}`, row.data as string);
  }

  protected get dataColumns(): string {
    return this.unlockedReads ? 'id, data' : 'data';
  }

  async get<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined> {
    tableSpec(table);
    if (unstorable(id)) return undefined;
    const rows = await this.query(`SELECT ${this.dataColumns} FROM ${table} WHERE account_id = $1 AND id = $2`, [accountId, id]);
    this.remember(table, rows);
    return rows[0] ? (JSON.parse(rows[0].data as string) as T) : undefined;
  }

  async find<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T | undefined> {
    const params: unknown[] = [accountId];
    const clause = whereClause(table, where, params);
    const rows = await this.query(`SELECT ${this.dataColumns} FROM ${table} WHERE account_id = $1${clause} ORDER BY seq LIMIT 1`, params);
    this.remember(table, rows);
    return rows[0] ? (JSON.parse(rows[0].data as string) as T) : undefined;
  }

  async all<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T[]> {
    const params: unknown[] = [accountId];
    const clause = whereClause(table, where, params);
    const rows = await this.query(`SELECT ${this.dataColumns} FROM ${table} WHERE account_id = $1${clause} ORDER BY seq`, params);
    this.remember(table, rows);
    return rows.map((row) => JSON.parse(row.data as string) as T);
  }

  async list<T extends StoredObject>(table: string, accountId: string, query: ListQuery): Promise<ListPage<T>> {
    const cursor = query.startingAfter ?? query.endingBefore;
    if (cursor !== undefined && unstorable(cursor)) return { data: [], hasMore: false };
    const { sql, params } = listSql(table, accountId, query);
    const rows = await this.queryInline(sql, params);
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map((row) => JSON.parse(row.data as string) as T);
    if (query.endingBefore !== undefined) page.reverse();
    return { data: page, hasMore };
  }

  async cashBalances(accountId: string, customerId: string): Promise<Record<string, number>> {
    if (unstorable(customerId)) return {};
    const rows = await this.query(
      'SELECT currency, available FROM cash_balances WHERE account_id = $1 AND customer_id = $2 ORDER BY currency',
      [accountId, customerId],
    );
    return Object.fromEntries(rows.map((row) => [row.currency as string, row.available as number]));
  }

  async cashCreditsAfter(accountId: string, customerId: string, currency: string, entryId: string): Promise<number> {
    if (unstorable(customerId) || unstorable(entryId)) return 0;
    // `credited` is the running total of lots, kept by a trigger (migrations 11 and 17).
    const rows = await this.query(
      `SELECT (SELECT credited FROM cash_balance_transactions WHERE account_id = $1 AND customer = $2 AND currency = $3 ORDER BY seq DESC LIMIT 1)
            - (SELECT credited FROM cash_balance_transactions WHERE account_id = $1 AND id = $4) AS after`,
      [accountId, columnParam(customerId), columnParam(currency), entryId],
    );
    return rows[0].after === null ? 0 : Number(rows[0].after);
  }


  async cashCover(accountId: string, customerId: string, currency: string): Promise<number> {
    if (unstorable(customerId)) return 0;
    const rows = await this.query(
      'SELECT covered FROM cash_balance_transactions WHERE account_id = $1 AND customer = $2 AND currency = $3 ORDER BY seq DESC LIMIT 1',
      [accountId, columnParam(customerId), columnParam(currency)],
    );
    return rows.length === 0 || rows[0].covered === null ? 0 : Number(rows[0].covered);
  }

  async due<T extends StoredObject>(table: string, query: DueQuery): Promise<DueRow<T>[]> {
    if (query.accountId !== undefined && unstorable(query.accountId)) return [];
    // Locked (and skipped when another transaction holds them) only inside a write.
    const { sql, params } = dueSql(table, query, this.unlockedReads !== undefined);
    const rows = await this.queryInline(sql, params);
    return rows.map((row) => ({ accountId: row.account_id as string, object: JSON.parse(row.data as string) as T }));
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    if (unstorable(keyHash)) return undefined;
    const rows = await this.query('SELECT key_hash, account_id, livemode, created, last4 FROM api_keys WHERE key_hash = $1', [keyHash]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      keyHash: row.key_hash as string,
      accountId: row.account_id as string,
      livemode: row.livemode as boolean,
      created: row.created as number,
      last4: row.last4 as string,
    };
  }

  async listApiKeys(accountId?: string): Promise<ApiKeyRecord[]> {
    if (accountId !== undefined && unstorable(accountId)) return [];
    const rows = accountId === undefined
      ? await this.query('SELECT key_hash, account_id, livemode, created, last4 FROM api_keys ORDER BY created, account_id, last4', [])
      : await this.query('SELECT key_hash, account_id, livemode, created, last4 FROM api_keys WHERE account_id = $1 ORDER BY created, last4', [accountId]);
    return rows.map((row) => ({ keyHash: row.key_hash as string, accountId: row.account_id as string, livemode: row.livemode as boolean, created: row.created as number, last4: row.last4 as string }));
  }

  async getIdempotency(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    if (unstorable(key)) return undefined;
    const rows = await this.query(
      `SELECT account_id, key, request_hash, method, path, status_code, response_body, request_id, created_at
       FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
      [accountId, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      accountId: row.account_id as string,
      key: row.key as string,
      requestHash: row.request_hash as string,
      method: row.method as string,
      path: row.path as string,
      statusCode: row.status_code as number,
      responseBody: row.response_body as string,
      requestId: row.request_id as string,
      createdAt: row.created_at as number,
    };
  }
}

/** A SQL literal for a parameter, for statements sent together in one simple-protocol message. */
function literal(value: unknown): string {
  value = parameter(value); // the same refusals as a sent parameter
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) {
    // An untyped array literal ('{"a","b"}'), coerced to the column's array type.
    return quote(`{${value.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`);
  }
  throw new Error(`cannot inline a ${typeof value}`);
}

/**
 * A string literal. Connections run with standard_conforming_strings=on (set below, and the
 * default since PostgreSQL 9.1), so a backslash is an ordinary character and only quotes
 * are doubled.
 */
function quote(value: string): string {
  return value.includes("'") ? `'${value.replace(/'/g, "''")}'` : `'${value}'`;
}

/** `text` with its $n placeholders replaced by literals. Our statement texts hold no other `$`. */
function inline(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
}

interface Pending {
  text: string;
  /** Parameters: the statement is sent prepared (named, parsed and planned once per connection). */
  values?: unknown[];
  /** Sent with its values inlined instead (queries whose best plan depends on the values: lists). */
  inline?: boolean;
  /** Receives the rows of a read sent ahead of need (see accountHint). */
  onRows?: (rows: Row[]) => void;
}

/** Prepared statement names by text, shared by every connection (each prepares a name once). */
const statementNames = new Map<string, string>();
/** Texts beyond this many are sent unnamed (parsed each time), so no connection keeps unbounded statements. */
const MAX_PREPARED = 2000;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) {
    name = `cb${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

/** A parameter as node-postgres sends it, refused where inlining would have refused it. */
function parameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  if (typeof value === 'string' && unstorable(value)) throw new Error('text with NUL cannot be stored');
  return value;
}

function queryConfig(p: Pending): pg.QueryConfig {
  if (p.values === undefined || p.values.length === 0) return { text: p.text };
  if (p.inline) return { text: inline(p.text, p.values) };
  return { name: statementName(p.text), text: p.text, values: p.values.map(parameter) };
}

interface CachedRow {
  /** The row as JSON text, or null when there is no such row. */
  data: string | null;
  /** Locked by this transaction (read FOR UPDATE, or written by it). */
  locked: boolean;
}

/**
 * One write transaction on one connection.
 *
 * Round trips dominate the cost of a transaction, so writes whose result a caller does not
 * need (BEGIN, SAVEPOINT, INSERT, UPDATE, DELETE) are queued and sent together with the next
 * statement that must return something (or with COMMIT), pipelined in one socket write.
 * Statements are prepared (named): the server parses and plans each text once per
 * connection instead of once per execution, which was about two thirds of its time per
 * funding (issue 17). After an error the server ignores the rest of the transaction, so
 * the first error in the batch is the one thrown, and a COMMIT behind it only rolls back.
 * A write that must touch one row is checked by the database itself (oneRow()), so a miss
 * aborts the transaction before its COMMIT: checking the answer would be too late, as the
 * COMMIT sent with it has run by then. Reads repeated within the transaction are answered
 * from what it already read or wrote (a row it locked cannot change under it; an unlocked
 * row is read once, so the transaction sees one version of it, and update() still refuses a
 * row that changed since). A savepoint rolled back forgets every cached read.
 */
class PgWriter extends PgReader implements Tx {
  private savepoints = 0;
  private pending: Pending[] = [{ text: 'BEGIN' }];
  private readonly rows = new Map<string, CachedRow>();
  private readonly queries = new Map<string, Row[]>();
  private readonly balances = new Map<string, Record<string, number>>();
  private readonly accountsRead = new Set<string>();

  constructor(db: pg.PoolClient) {
    super(db, true);
  }

  private enqueue(text: string, params: unknown[]): void {
    this.pending.push({ text, values: params });
  }

  /** Queues a write that must touch exactly one row (see oneRow()). */
  private enqueueOneRow(text: string, params: unknown[], stale: boolean, what: string): void {
    this.pending.push(oneRow(text, params, stale, what));
  }

  /** Sends every queued statement, then `last` (if any), pipelined in one write; returns `last`'s rows. */
  private async flush(last?: Pending): Promise<Row[]> {
    const batch = last === undefined ? this.pending : [...this.pending, last];
    this.pending = [];
    if (batch.length === 0) return [];
    // Corked: the statements' messages leave in one write instead of one each.
    const stream = (this.db as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
    stream?.cork?.();
    let sent: Promise<pg.QueryResult<Row>>[];
    try {
      sent = batch.map((p) => this.db.query<Row>(queryConfig(p)));
    } finally {
      stream?.uncork?.();
    }
    const results = await Promise.allSettled(sent);
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') throw result.reason;
      batch[i].onRows?.(result.value.rows);
    }
    const final = results[results.length - 1] as PromiseFulfilledResult<pg.QueryResult<Row>>;
    // A COMMIT that answers ROLLBACK means the transaction had failed: never report it durable.
    if (final.value.command === 'ROLLBACK' && batch[batch.length - 1].text === 'COMMIT') throw new Error('the transaction was rolled back at COMMIT');
    return last === undefined ? [] : final.value.rows;
  }

  protected override query(text: string, params: unknown[]): Promise<Row[]> {
    return this.flush({ text, values: params });
  }

  protected override queryInline(text: string, params: unknown[]): Promise<Row[]> {
    return this.flush({ text, values: params, inline: true });
  }

  /**
   * Nearly every command reads the account it acts for (its settings) and, when it emits an
   * event, the account's webhook routing row, usually well into the transaction. The first
   * statement that names an account takes both reads along, so they cost no round trip of
   * their own; the rows are then answered from the transaction's cache.
   */
  private accountHint(accountId: string): void {
    if (this.accountsRead.has(accountId) || unstorable(accountId)) return;
    this.accountsRead.add(accountId);
    for (const table of ['accounts', 'webhook_routing']) {
      this.pending.push({
        text: `SELECT id, data FROM ${table} WHERE account_id = $1 AND id = $1`,
        values: [accountId],
        onRows: (rows) => {
          const key = `${table}\u0000${accountId}`;
          if (this.rows.has(key)) return;
          this.remember(table, rows);
          this.cacheRow(table, accountId, { data: rows[0] ? (rows[0].data as string) : null, locked: false });
        },
      });
    }
  }

  override getIdempotency(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    this.accountHint(accountId);
    return super.getIdempotency(accountId, key);
  }

  /** Sends what is queued and commits; resolves once the commit is durable. */
  async commit(): Promise<void> {
    await this.flush({ text: 'COMMIT' });
  }

  private forgetTable(table: string): void {
    for (const key of this.queries.keys()) if (key.startsWith(`${table}\u0000`)) this.queries.delete(key);
  }

  private cacheRow(table: string, id: string, row: CachedRow): void {
    this.rows.set(`${table}\u0000${id}`, row);
  }

  override async get<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined> {
    this.accountHint(accountId);
    const cached = this.rows.get(`${table}\u0000${id}`);
    if (cached && !unstorable(id)) return cached.data === null ? undefined : (JSON.parse(cached.data) as T);
    const object = await super.get<T>(table, accountId, id);
    if (!unstorable(id)) this.cacheRow(table, id, { data: object ? (this.unlockedReads!.get(`${table}\u0000${id}`) ?? null) : null, locked: false });
    return object;
  }

  override async find<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T | undefined> {
    return (await this.cachedAll<T>(table, accountId, where, true))[0];
  }

  override async all<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T[]> {
    return this.cachedAll<T>(table, accountId, where, false);
  }

  private async cachedAll<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>, first: boolean): Promise<T[]> {
    this.accountHint(accountId);
    const params: unknown[] = [accountId];
    const clause = whereClause(table, where, params);
    const text = `SELECT id, data FROM ${table} WHERE account_id = $1${clause} ORDER BY seq${first ? ' LIMIT 1' : ''}`;
    const key = `${table}\u0000${text}\u0000${JSON.stringify(params)}`;
    let rows = this.queries.get(key);
    if (!rows) {
      rows = await this.query(text, params);
      this.remember(table, rows);
      this.queries.set(key, rows);
    }
    // A row this transaction has since locked or written is shown as it is now.
    return rows.map((row) => JSON.parse(this.rows.get(`${table}\u0000${row.id as string}`)?.data ?? (row.data as string)) as T);
  }

  override async cashBalances(accountId: string, customerId: string): Promise<Record<string, number>> {
    this.accountHint(accountId);
    const key = `${accountId}\u0000${customerId}`;
    const cached = this.balances.get(key);
    if (cached) return { ...cached };
    const balances = await super.cashBalances(accountId, customerId);
    this.balances.set(key, balances);
    return { ...balances };
  }

  async getForUpdate<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined> {
    tableSpec(table);
    if (unstorable(id)) return undefined;
    this.accountHint(accountId);
    const cached = this.rows.get(`${table}\u0000${id}`);
    if (cached?.locked) return cached.data === null ? undefined : (JSON.parse(cached.data) as T);
    const rows = await this.query(`SELECT data FROM ${table} WHERE account_id = $1 AND id = $2 FOR UPDATE`, [accountId, id]);
    // Locked: the row cannot change under us until commit. (A missing row is not locked.)
    this.unlockedReads!.delete(`${table}\u0000${id}`);
    this.cacheRow(table, id, { data: rows[0] ? (rows[0].data as string) : null, locked: rows[0] !== undefined });
    return rows[0] ? (JSON.parse(rows[0].data as string) as T) : undefined;
  }

  async insert(table: string, accountId: string, object: StoredObject): Promise<void> {
    const spec = tableSpec(table);
    const names = ['account_id', 'id', 'created', ...Object.keys(spec.columns), 'data'];
    const data = JSON.stringify(object);
    this.enqueue(
      `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
      [accountId, object.id, object.created, ...columnValues(spec, object).map(columnParam), data],
    );
    this.cacheRow(table, object.id, { data, locked: true });
    this.forgetTable(table);
  }

  async update(table: string, accountId: string, object: StoredObject): Promise<void> {
    const spec = tableSpec(table);
    const names = [...Object.keys(spec.columns), 'data'];
    const data = JSON.stringify(object);
    const params: unknown[] = [...columnValues(spec, object).map(columnParam), data, accountId, object.id];
    let sql = `UPDATE ${table} SET ${names.map((name, i) => `${name} = $${i + 1}`).join(', ')} WHERE account_id = $${names.length + 1} AND id = $${names.length + 2}`;
    // Read without a lock earlier in this transaction: write only if nobody changed it since,
    // so a forgotten getForUpdate() costs a retry, never a lost update.
    const key = `${table}\u0000${object.id}`;
    const seen = this.rows.get(key)?.locked ? undefined : this.unlockedReads!.get(key);
    if (seen !== undefined) {
      params.push(seen);
      sql += ` AND data = $${params.length}`;
    }
    this.enqueueOneRow(sql, params, seen !== undefined, `${table} row ${object.id}`);
    this.unlockedReads!.delete(key);
    this.cacheRow(table, object.id, { data, locked: true });
    this.forgetTable(table);
  }

  async remove(table: string, accountId: string, id: string): Promise<void> {
    tableSpec(table);
    if (unstorable(id)) return;
    this.enqueue(`DELETE FROM ${table} WHERE account_id = $1 AND id = $2`, [accountId, id]);
    this.cacheRow(table, id, { data: null, locked: true });
    this.forgetTable(table);
  }

  async lockCashBalance(accountId: string, customerId: string, currency: string): Promise<number> {
    this.accountHint(accountId);
    this.balances.delete(`${accountId}\u0000${customerId}`);
    // Upsert then lock in one statement: a missing row is created at 0; an existing one is
    // locked (ON CONFLICT DO UPDATE takes the row lock and returns its latest committed value).
    const rows = await this.query(
      `INSERT INTO cash_balances AS b (account_id, customer_id, currency, available) VALUES ($1, $2, $3, 0)
       ON CONFLICT (account_id, customer_id, currency) DO UPDATE SET available = b.available
       RETURNING b.available`,
      [accountId, customerId, currency],
    );
    return rows[0].available as number;
  }

  async setCashBalance(accountId: string, customerId: string, currency: string, available: number): Promise<void> {
    this.balances.delete(`${accountId}\u0000${customerId}`);
    // The row exists once lockCashBalance() made it; a miss is a bug, stopped before COMMIT.
    this.enqueueOneRow(
      'UPDATE cash_balances SET available = $1 WHERE account_id = $2 AND customer_id = $3 AND currency = $4',
      [available, accountId, customerId, currency],
      false,
      `cash balance ${customerId} ${currency} (lock it first)`,
    );
  }

  async uncreditCash(accountId: string, customerId: string, currency: string, entryId: string, amount: number): Promise<void> {
    this.enqueue(
      `UPDATE cash_balance_transactions SET credited = credited - $1 WHERE account_id = $2 AND customer = $3 AND currency = $4
         AND seq >= (SELECT seq FROM cash_balance_transactions WHERE account_id = $2 AND id = $5)`,
      [amount, accountId, columnParam(customerId), columnParam(currency), entryId],
    );
    this.forgetTable('cash_balance_transactions');
  }

  async insertApiKey(record: ApiKeyRecord): Promise<void> {
    this.enqueue('INSERT INTO api_keys (key_hash, account_id, livemode, created, last4) VALUES ($1, $2, $3, $4, $5)', [
      record.keyHash,
      record.accountId,
      record.livemode,
      record.created,
      record.last4,
    ]);
  }

  async deleteApiKey(keyHash: string): Promise<void> {
    this.enqueue('DELETE FROM api_keys WHERE key_hash = $1', [keyHash]);
  }

  async putIdempotency(record: IdempotencyRecord): Promise<void> {
    // A second process racing on the same key hits the primary key here (at the latest when
    // the batch with COMMIT runs); the store rolls back and retries, and the retry finds and
    // replays this record.
    this.enqueue(
      `INSERT INTO idempotency_keys (account_id, key, request_hash, method, path, status_code, response_body, request_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [record.accountId, record.key, record.requestHash, record.method, record.path, record.statusCode, record.responseBody, record.requestId, record.createdAt],
    );
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    // Names are unique within the transaction. A savepoint that succeeded is left open rather
    // than RELEASEd: COMMIT or an outer ROLLBACK TO ends it anyway.
    const name = `sp${++this.savepoints}`;
    const marker = this.pending.length;
    this.pending.push({ text: `SAVEPOINT ${name}` });
    const queued = this.pending;
    const reads = new Map(this.unlockedReads);
    try {
      return await fn();
    } catch (error) {
      if (this.pending === queued) {
        // Nothing since the savepoint reached the server: drop it and what followed it.
        this.pending.length = marker;
      } else {
        // Statements after it were sent (the failing one among them, perhaps): the queued
        // rest is dropped and the server rolls back to it.
        this.pending = [{ text: `ROLLBACK TO SAVEPOINT ${name}` }];
      }
      this.unlockedReads!.clear();
      for (const [key, value] of reads) this.unlockedReads!.set(key, value);
      this.rows.clear();
      this.queries.clear();
      this.balances.clear();
      throw error;
    }
  }
}

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  observer?: StoreObserver;
  private readonly pool: pg.Pool;
  private active = 0;
  private idle: (() => void)[] = [];
  private closing = false;

  constructor(readonly url: string, options: PostgresStoreOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types,
      // Statements sent without waiting for the previous answer (PgWriter batches them).
      pipeline: true,
      // A database that stops answering (a hung host, a network partition without a reset)
      // fails the request instead of holding it: a statement unanswered this long ends its
      // connection (in pipeline mode pg destroys it), and so does waiting this long for one.
      query_timeout: options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
      connectionTimeoutMillis: options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // Never hang forever on a lock a dead client left behind: a lock wait this long becomes
      // a retry (55P03), then a 409.
      options: '-c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000 -c standard_conforming_strings=on',
    } as pg.PoolConfig);
    // A server-side disconnect of an idle client must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => process.emitWarning(`postgres pool: ${error.message}`));
  }

  async migrate(): Promise<void> {
    const { client: pooled, release } = await this.checkout();
    const client = { query: <R extends pg.QueryResultRow = Row>(text: string, values?: unknown[]) => pooled.query<R>({ text, values, query_timeout: LONG_STATEMENT_MS } as pg.QueryConfig) };
    try {
      // Another instance may migrate for minutes, and DDL may wait behind traffic: no lock_timeout here (reset below).
      await client.query('SET lock_timeout = 0');
      // One migrator at a time across every instance starting against this database.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
      try {
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
        );
        const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
        refuseNewerDatabase(applied);
        for (const migration of MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await client.query('BEGIN');
          try {
            for (const step of migration.steps) for (const sql of renderStep(step)) await client.query(sql);
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
              migration.version,
              migration.name,
              Math.floor(Date.now() / 1000),
            ]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
        await client.query('RESET lock_timeout');
      }
    } finally {
      release();
    }
  }

  private enter(): void {
    if (this.closing) throw new Error('store is closed');
    this.active++;
  }

  private leave(): void {
    if (--this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.enter();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(fn);
        } catch (error) {
          const code = sqlState(error);
          if (code === undefined || !RETRYABLE.has(code)) throw error;
          this.observer?.retry(code);
          if (attempt >= MAX_WRITE_ATTEMPTS) throw conflictError();
          // Jittered backoff so the retries of colliding transactions spread out.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
        }
      }
    } finally {
      this.leave();
    }
  }

  /**
   * A pooled connection with an 'error' listener for as long as it is out: the pool listens
   * only to idle ones, and a connection the server ends while in use (a restart, a terminated
   * backend, idle_in_transaction_session_timeout) would otherwise emit an unhandled 'error'
   * and stop the process. Its queries fail instead, the request gets a 500, and `release`
   * hands the error to the pool, which drops the connection.
   */
  private async checkout(): Promise<{ client: pg.PoolClient; release: (error?: Error) => void }> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost ??= error;
      process.emitWarning(`postgres connection lost while in use: ${error.message}`);
    };
    client.on('error', onError);
    return {
      client,
      release: (error) => {
        client.off('error', onError);
        client.release(error ?? lost);
      },
    };
  }

  private async attempt<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const { client, release } = await this.checkout();
    let broken: Error | undefined;
    try {
      const tx = new PgWriter(client);
      let result: T;
      try {
        result = await fn(tx);
        // COMMIT returns once the commit record is flushed (synchronous_commit on): durable.
        const started = this.observer ? performance.now() : 0;
        await tx.commit();
        this.observer?.commit(1, (performance.now() - started) / 1000);
      } catch (error) {
        // Also after a failed COMMIT; if the connection itself failed, the pool drops it.
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
      return result;
    } finally {
      release(broken);
    }
  }

  async read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T> {
    this.enter();
    try {
      // Outside a transaction: each statement sees what was committed when it began, as on
      // SQLite's read connection.
      const { client, release } = await this.checkout();
      try {
        return await fn(new PgReader(client, false));
      } finally {
        release();
      }
    } finally {
      this.leave();
    }
  }

  /** Connections of this process's pool: open, idle, and callers waiting for one. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.pool.options.max ?? 10 };
  }

  async backlog(nowSeconds: number): Promise<Backlog> {
    const one = async (sql: string, params: unknown[] = []) => (await this.pool.query(sql, params)).rows;
    const deliveries = Object.fromEntries((await one('SELECT status, COUNT(*)::bigint AS n FROM webhook_deliveries GROUP BY status')).map((r) => [r.status as string, r.n as number]));
    const [fanOut] = await one('SELECT COUNT(*)::bigint AS n, MIN(created) AS oldest FROM events WHERE _fanout_due_at IS NOT NULL');
    const [pending] = await one('SELECT MIN(created) AS oldest FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL');
    const [job] = await one("SELECT MIN(due_at) AS due FROM scheduled_jobs WHERE status = 'pending' AND test_clock IS NULL AND due_at <= $1", [nowSeconds]);
    const oldest = [fanOut.oldest, pending.oldest].filter((t): t is number => t !== null);
    return { deliveries, awaitingFanOut: fanOut.n as number, oldestPendingEvent: oldest.length > 0 ? Math.min(...oldest) : null, oldestDueJob: (job.due as number | null) ?? null };
  }

  async pruneIdempotency(olderThanSeconds: number): Promise<number> {
    const cutoff = Math.floor(Date.now() / 1000) - olderThanSeconds;
    // The one statement that spans accounts: a maintenance sweep, fine on a distributed table.
    const result = await this.pool.query({ text: 'DELETE FROM idempotency_keys WHERE created_at < $1', values: [cutoff], query_timeout: LONG_STATEMENT_MS } as pg.QueryConfig);
    return result.rowCount ?? 0;
  }

  /** Waits for every running read and write to finish, then closes the pool. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.active > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.pool.end();
  }
}
