// SQLite store: better-sqlite3 in WAL mode, and group commit with the fsync off the event loop.
// Writes queue up; one drain runs every queued job in its own savepoint inside a single
// transaction and commits once. A job that throws rolls back only its savepoint.
//
// Durability: the connection runs synchronous=NORMAL, so COMMIT only writes the group's
// frames to the WAL file (no fsync on the event loop), and the store then fdatasyncs the WAL
// itself on libuv's thread pool; a group's writers are answered only after an fdatasync that
// began after its COMMIT has finished. That is synchronous=FULL's guarantee (a commit survives
// power loss once acknowledged), with the wait taken off the main thread: while one group's
// fdatasync runs, the next group is built and committed. One fdatasync is in flight at a
// time and covers every group committed before it began. SQLite itself still syncs the WAL
// before each checkpoint and the database after it (NORMAL keeps the file uncorruptible).
//
// Reads use a second connection. A read first waits for the fdatasync in flight, so what it
// answers runs ahead of the disk by at most the groups committed since (never a writer's
// own unacknowledged write: that writer is still waiting).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { MIGRATIONS, refuseNewerDatabase } from '../migrations/index.ts';
import { columnValues, tableSpec } from '../tables.ts';
import type { ApiKeyRecord, Backlog, DueQuery, DueRow, IdempotencyRecord, ListPage, ListQuery, ReadTx, Store, StoreObserver, StoredObject, Tx } from '../types.ts';
import { dueSql, listSql, renderStep } from './sql.ts';

interface Job {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** At most this many jobs share one commit, so one group never holds the loop for long. */
const MAX_GROUP_SIZE = 256;

/** Prepared statements by SQL text: each is compiled once per connection. */
class Statements {
  private readonly cache = new Map<string, Statement>();
  private readonly plucked = new Map<string, Statement>();
  constructor(private readonly db: Db) {}
  get(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
  /** A statement returning its first column's value instead of a row object (no per-row object). */
  pluck(sql: string): Statement {
    let statement = this.plucked.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).pluck();
      this.plucked.set(sql, statement);
    }
    return statement;
  }
}

function parseData<T>(data: string | undefined): T | undefined {
  return data === undefined ? undefined : (JSON.parse(data) as T);
}

/** SQL text per table, built once (the table names and columns are fixed by the migrations). */
function perTable<T>(build: (table: string) => T): (table: string) => T {
  const cache = new Map<string, T>();
  return (table) => {
    let value = cache.get(table);
    if (value === undefined) {
      tableSpec(table); // refuses unknown tables before any SQL is built
      value = build(table);
      cache.set(table, value);
    }
    return value;
  };
}

const getSql = perTable((table) => `SELECT data FROM ${table} WHERE account_id = ? AND id = ?`);
const insertSql = perTable((table) => {
  const names = ['account_id', 'id', 'created', ...Object.keys(tableSpec(table).columns), 'data'];
  return `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
});
const updateSql = perTable((table) => {
  const sets = [...Object.keys(tableSpec(table).columns), 'data'].map((name) => `${name} = ?`).join(', ');
  return `UPDATE ${table} SET ${sets} WHERE account_id = ? AND id = ?`;
});
const removeSql = perTable((table) => `DELETE FROM ${table} WHERE account_id = ? AND id = ?`);

function whereClause(where: Record<string, string | number | null>): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [name, value] of Object.entries(where)) {
    if (value === null) parts.push(`${name} IS NULL`);
    else {
      parts.push(`${name} = ?`);
      params.push(value);
    }
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

class SqliteReader implements ReadTx {
  constructor(protected readonly statements: Statements) {}

  async get<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined> {
    return parseData<T>(this.statements.pluck(getSql(table)).get(accountId, id) as string | undefined);
  }

  async find<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T | undefined> {
    const clause = this.filter(table, where);
    const data = this.statements
      .pluck(`SELECT data FROM ${table} WHERE account_id = ?${clause.sql} ORDER BY seq LIMIT 1`)
      .get(accountId, ...clause.params) as string | undefined;
    return parseData<T>(data);
  }

  async all<T extends StoredObject>(table: string, accountId: string, where: Record<string, string | number | null>): Promise<T[]> {
    const clause = this.filter(table, where);
    const rows = this.statements
      .pluck(`SELECT data FROM ${table} WHERE account_id = ?${clause.sql} ORDER BY seq`)
      .all(accountId, ...clause.params) as string[];
    return rows.map((data) => JSON.parse(data) as T);
  }

  async list<T extends StoredObject>(table: string, accountId: string, query: ListQuery): Promise<ListPage<T>> {
    const { sql, params } = listSql(table, accountId, query);
    const rows = this.statements.pluck(sql).all(...params) as string[];
    const hasMore = rows.length > query.limit;
    const count = Math.min(rows.length, query.limit);
    const page: T[] = new Array(count);
    for (let i = 0; i < count; i++) page[i] = JSON.parse(rows[i]) as T;
    if (query.endingBefore !== undefined) page.reverse();
    return { data: page, hasMore };
  }

  async cashBalances(accountId: string, customerId: string): Promise<Record<string, number>> {
    const rows = this.statements
      .get('SELECT currency, available FROM cash_balances WHERE account_id = ? AND customer_id = ? ORDER BY currency')
      .all(accountId, customerId) as { currency: string; available: number }[];
    return Object.fromEntries(rows.map((row) => [row.currency, row.available]));
  }

  async cashCreditsAfter(accountId: string, customerId: string, currency: string, entryId: string): Promise<number> {
    // `credited` is the running total of lots, kept by a trigger (migrations 11 and 17).
    const row = this.statements
      .get(
        `SELECT (SELECT credited FROM cash_balance_transactions WHERE account_id = ? AND customer = ? AND currency = ? ORDER BY seq DESC LIMIT 1)
              - (SELECT credited FROM cash_balance_transactions WHERE account_id = ? AND id = ?) AS after`,
      )
      .get(accountId, customerId, currency, accountId, entryId) as { after: number | null };
    return row.after ?? 0;
  }

  async cashCover(accountId: string, customerId: string, currency: string): Promise<number> {
    const row = this.statements
      .get('SELECT covered FROM cash_balance_transactions WHERE account_id = ? AND customer = ? AND currency = ? ORDER BY seq DESC LIMIT 1')
      .get(accountId, customerId, currency) as { covered: number | null } | undefined;
    return row?.covered ?? 0;
  }

  async due<T extends StoredObject>(table: string, query: DueQuery): Promise<DueRow<T>[]> {
    const { sql, params } = dueSql(table, query);
    const rows = this.statements.get(sql).all(...params) as { account_id: string; data: string }[];
    return rows.map((row) => ({ accountId: row.account_id, object: JSON.parse(row.data) as T }));
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.statements.get('SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as
      | { key_hash: string; account_id: string; livemode: number; created: number; last4: string }
      | undefined;
    if (!row) return undefined;
    return { keyHash: row.key_hash, accountId: row.account_id, livemode: row.livemode === 1, created: row.created, last4: row.last4 };
  }

  async listApiKeys(accountId?: string): Promise<ApiKeyRecord[]> {
    const rows = (accountId === undefined
      ? this.statements.get('SELECT * FROM api_keys ORDER BY created, account_id, last4').all()
      : this.statements.get('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created, last4').all(accountId)) as { key_hash: string; account_id: string; livemode: number; created: number; last4: string }[];
    return rows.map((row) => ({ keyHash: row.key_hash, accountId: row.account_id, livemode: row.livemode === 1, created: row.created, last4: row.last4 }));
  }

  async getIdempotency(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.statements.get('SELECT * FROM idempotency_keys WHERE account_id = ? AND key = ?').get(accountId, key) as
      | Record<string, string & number>
      | undefined;
    if (!row) return undefined;
    return {
      accountId: row.account_id,
      key: row.key,
      requestHash: row.request_hash,
      method: row.method,
      path: row.path,
      statusCode: row.status_code,
      responseBody: row.response_body,
      requestId: row.request_id,
      createdAt: row.created_at,
    };
  }

  private filter(table: string, where: Record<string, string | number | null>) {
    const spec = tableSpec(table);
    for (const name of Object.keys(where)) if (!(name in spec.columns)) throw new Error(`not a column: ${name}`);
    return whereClause(where);
  }
}

class SqliteWriter extends SqliteReader implements Tx {
  private savepointDepth = 0;

  constructor(statements: Statements, private readonly db: Db) {
    super(statements);
  }

  getForUpdate<T extends StoredObject>(table: string, accountId: string, id: string): Promise<T | undefined> {
    // One writer at a time: every row is already ours until commit.
    return this.get<T>(table, accountId, id);
  }

  async insert(table: string, accountId: string, object: StoredObject): Promise<void> {
    this.statements
      .get(insertSql(table))
      .run(accountId, object.id, object.created, ...columnValues(tableSpec(table), object), JSON.stringify(object));
  }

  async update(table: string, accountId: string, object: StoredObject): Promise<void> {
    const result = this.statements
      .get(updateSql(table))
      .run(...columnValues(tableSpec(table), object), JSON.stringify(object), accountId, object.id);
    if (result.changes !== 1) throw new Error(`update of missing ${table} row ${object.id}`);
  }

  async remove(table: string, accountId: string, id: string): Promise<void> {
    this.statements.get(removeSql(table)).run(accountId, id);
  }

  async lockCashBalance(accountId: string, customerId: string, currency: string): Promise<number> {
    this.statements
      .get('INSERT INTO cash_balances (account_id, customer_id, currency, available) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING')
      .run(accountId, customerId, currency);
    const row = this.statements
      .get('SELECT available FROM cash_balances WHERE account_id = ? AND customer_id = ? AND currency = ?')
      .get(accountId, customerId, currency) as { available: number };
    return row.available;
  }

  async setCashBalance(accountId: string, customerId: string, currency: string, available: number): Promise<void> {
    const result = this.statements
      .get('UPDATE cash_balances SET available = ? WHERE account_id = ? AND customer_id = ? AND currency = ?')
      .run(available, accountId, customerId, currency);
    if (result.changes !== 1) throw new Error('cash balance row must be locked before it is set');
  }

  async uncreditCash(accountId: string, customerId: string, currency: string, entryId: string, amount: number): Promise<void> {
    this.statements
      .get(
        `UPDATE cash_balance_transactions SET credited = credited - ? WHERE account_id = ? AND customer = ? AND currency = ?
           AND seq >= (SELECT seq FROM cash_balance_transactions WHERE account_id = ? AND id = ?)`,
      )
      .run(amount, accountId, customerId, currency, accountId, entryId);
  }

  async insertApiKey(record: ApiKeyRecord): Promise<void> {
    this.statements
      .get('INSERT INTO api_keys (key_hash, account_id, livemode, created, last4) VALUES (?, ?, ?, ?, ?)')
      .run(record.keyHash, record.accountId, record.livemode ? 1 : 0, record.created, record.last4);
  }

  async deleteApiKey(keyHash: string): Promise<void> {
    this.statements.get('DELETE FROM api_keys WHERE key_hash = ?').run(keyHash);
  }

  async putIdempotency(record: IdempotencyRecord): Promise<void> {
    this.statements
      .get(
        `INSERT INTO idempotency_keys (account_id, key, request_hash, method, path, status_code, response_body, request_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(record.accountId, record.key, record.requestHash, record.method, record.path, record.statusCode, record.responseBody, record.requestId, record.createdAt);
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    // Prepared once per depth: a savepoint costs two cached statements, not two SQL compilations.
    const name = `sp${++this.savepointDepth}`;
    this.statements.get(`SAVEPOINT ${name}`).run();
    try {
      const result = await fn();
      this.statements.get(`RELEASE ${name}`).run();
      return result;
    } catch (error) {
      this.statements.get(`ROLLBACK TO ${name}`).run();
      this.statements.get(`RELEASE ${name}`).run();
      throw error;
    } finally {
      this.savepointDepth--;
    }
  }
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  observer?: StoreObserver;
  private readonly writeDb: Db;
  private readonly readDb: Db;
  private readonly writer: SqliteWriter;
  private readonly reader: SqliteReader;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private queue: Job[] = [];
  private draining = false;
  private closed = false;
  private readonly wal: boolean;
  /** The WAL file, opened after the first commit, for our own fdatasync. */
  private walFd: number | null = null;
  /** Groups committed since the running fdatasync began: they wait for the next one. */
  private unsynced: ((error: Error | null) => void)[] = [];
  /** Resolves when the fdatasync in flight finishes; null when none runs. */
  private syncing: Promise<void> | null = null;
  /** Set when an fdatasync failed: the WAL's state on disk is unknown, so nothing more is acknowledged. */
  private failed: Error | null = null;

  constructor(readonly filename: string) {
    this.writeDb = new Database(filename);
    this.wal = this.writeDb.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    // NORMAL: COMMIT writes the WAL without fsync; the store fdatasyncs it before answering (see
    // above). A database that cannot use WAL (in memory) syncs in COMMIT instead.
    this.writeDb.pragma(this.wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
    this.writeDb.pragma('foreign_keys = ON');
    this.writeDb.pragma('busy_timeout = 5000');
    // Performance only, durability unchanged: a 64 MiB page cache keeps hot index pages in memory.
    this.writeDb.pragma('cache_size = -65536');
    // Savepoint journals in memory instead of temp files (about 100 KiB of file writes per funding).
    this.writeDb.pragma('temp_store = MEMORY');
    // Checkpoint every 4000 pages (16 MiB of WAL) instead of 1000: hot pages that every group
    // rewrites are copied to the database file a quarter as often (about 12% less I/O per write).
    this.writeDb.pragma('wal_autocheckpoint = 4000');
    this.readDb = new Database(filename, { readonly: false });
    this.readDb.pragma('busy_timeout = 5000');
    this.readDb.pragma('query_only = ON');
    this.readDb.pragma('cache_size = -65536');
    const writeStatements = new Statements(this.writeDb);
    this.writer = new SqliteWriter(writeStatements, this.writeDb);
    this.begin = writeStatements.get('BEGIN IMMEDIATE');
    this.commit = writeStatements.get('COMMIT');
    this.reader = new SqliteReader(new Statements(this.readDb));
  }

  async migrate(): Promise<void> {
    this.writeDb.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const applied = new Set((this.writeDb.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    refuseNewerDatabase(applied);
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.writeDb.transaction(() => {
        for (const step of migration.steps) for (const sql of renderStep(step)) this.writeDb.exec(sql);
        this.writeDb
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, Math.floor(Date.now() / 1000));
      })();
    }
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  failure(): Error | null {
    return this.failed;
  }

  async read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T> {
    // Groups committed but not yet on disk: wait for them (see the top of the file).
    if (this.syncing) await this.syncing;
    return fn(this.reader);
  }

  /** Calls `settle` once everything committed so far is on disk (or with the error if the fdatasync failed). */
  private afterSync(settle: (error: Error | null) => void): void {
    if (!this.wal) return settle(null);
    this.unsynced.push(settle);
    if (!this.syncing) this.startSync();
  }

  private startSync(): void {
    const waiting = this.unsynced;
    this.unsynced = [];
    this.syncing = new Promise<void>((resolve) => {
      const synced = (error: Error | null) => {
        if (error) this.failed ??= new Error(`fdatasync of the SQLite WAL failed, nothing more is acknowledged: ${error.message}`);
        this.syncing = null;
        if (this.unsynced.length > 0) this.startSync();
        resolve();
        for (const settle of waiting) settle(error ? this.failed : null);
      };
      try {
        this.walFd ??= fs.openSync(`${this.filename}-wal`, 'r+');
        fs.fdatasync(this.walFd, synced);
      } catch (error) {
        process.nextTick(synced, error as Error);
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_GROUP_SIZE);
      const outcomes: { ok: boolean; value: unknown }[] = [];
      this.begin.run();
      for (const job of jobs) {
        try {
          outcomes.push({ ok: true, value: await this.writer.savepoint(() => job.fn(this.writer)) });
        } catch (error) {
          outcomes.push({ ok: false, value: error });
        }
      }
      const started = performance.now();
      try {
        this.commit.run();
      } catch (error) {
        if (this.writeDb.inTransaction) this.writeDb.exec('ROLLBACK');
        for (const job of jobs) job.reject(error);
        continue;
      }
      this.afterSync((error) => {
        this.observer?.commit(jobs.length, (performance.now() - started) / 1000);
        if (error) for (const job of jobs) job.reject(error);
        else jobs.forEach((job, index) => (outcomes[index].ok ? job.resolve(outcomes[index].value) : job.reject(outcomes[index].value)));
      });
    }
    this.draining = false;
  }

  async backlog(nowSeconds: number): Promise<Backlog> {
    // On the read connection: committed data only, never in the way of a commit group.
    const db = this.readDb;
    const deliveries = Object.fromEntries((db.prepare('SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));
    const fanOut = db.prepare('SELECT COUNT(*) AS n, MIN(created) AS oldest FROM events WHERE _fanout_due_at IS NOT NULL').get() as { n: number; oldest: number | null };
    const pending = db.prepare('SELECT MIN(created) AS oldest FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL').get() as { oldest: number | null };
    const job = db.prepare("SELECT MIN(due_at) AS due FROM scheduled_jobs WHERE status = 'pending' AND test_clock IS NULL AND due_at <= ?").get(nowSeconds) as { due: number | null };
    const oldest = [fanOut.oldest, pending.oldest].filter((t): t is number => t !== null);
    return { deliveries, awaitingFanOut: fanOut.n, oldestPendingEvent: oldest.length > 0 ? Math.min(...oldest) : null, oldestDueJob: job.due };
  }

  async pruneIdempotency(olderThanSeconds: number): Promise<number> {
    const cutoff = Math.floor(Date.now() / 1000) - olderThanSeconds;
    return this.write(async () => Number(this.writeDb.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(cutoff).changes));
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.draining || this.queue.length > 0 || this.syncing) await new Promise((r) => setTimeout(r, 5));
    if (this.walFd !== null) fs.closeSync(this.walFd);
    this.readDb.close();
    this.writeDb.close();
  }
}
