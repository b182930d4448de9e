// A read-only, consistent view of a whole Cashbook database for the auditor: one SQLite read
// transaction (WAL: it sees one commit and nothing after it, however many groups the server
// commits meanwhile), or one PostgreSQL REPEATABLE READ READ ONLY transaction (every
// statement sees the snapshot its first one took). Rows come back as the stored objects.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS } from '../store/migrations/index.ts';
import { tableSpec } from '../store/tables.ts';
import { isPostgresUrl, redactUrl, sqliteFile } from '../store/url.ts';

export interface Scope {
  /** One account's rows only (`acct_…`). */
  account?: string;
  /** One customer's rows only, in tables that name the customer (a test's quick check). */
  customer?: string;
}

export interface Row<T = Record<string, unknown>> {
  account: string;
  seq: number;
  object: T;
}

export interface BalanceRow {
  account: string;
  customer: string;
  currency: string;
  available: number;
}

export interface Snapshot {
  readonly engine: 'sqlite' | 'postgres';
  /** Where it reads, without a password. */
  readonly where: string;
  /** The stored objects of `table` within the scope, in write order (seq). */
  rows<T>(table: string, scope: Scope, customerColumn?: string): Promise<Row<T>[]>;
  cashBalances(scope: Scope): Promise<BalanceRow[]>;
  close(): Promise<void>;
}

/** Raised for a database that cannot be audited (missing, not Cashbook's, too old, unreachable). */
export class SnapshotError extends Error {}

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

function filters(scope: Scope, customerColumn: string | undefined, placeholder: (n: number) => string): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (scope.account !== undefined) {
    params.push(scope.account);
    parts.push(`account_id = ${placeholder(params.length)}`);
  }
  if (scope.customer !== undefined && customerColumn !== undefined) {
    params.push(scope.customer);
    parts.push(`${customerColumn} = ${placeholder(params.length)}`);
  }
  return { sql: parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '', params };
}

function checkVersion(version: number | null): void {
  if (version === null) throw new SnapshotError('not a Cashbook database (no schema_migrations table): nothing to verify');
  if (version < LATEST) throw new SnapshotError(`the database is at migration ${version}, this Cashbook expects ${LATEST}: run \`cashbook migrate\` first`);
  if (version > LATEST) throw new SnapshotError(`the database is at migration ${version}, newer than this Cashbook (${LATEST}): use the Cashbook that wrote it`);
}

export async function openSnapshot(databaseUrl: string): Promise<Snapshot> {
  return isPostgresUrl(databaseUrl) ? openPostgres(databaseUrl) : openSqlite(sqliteFile(databaseUrl));
}

function openSqlite(filename: string): Snapshot {
  if (!fs.existsSync(filename)) throw new SnapshotError(`no database at ${filename}`);
  let db: Database.Database;
  try {
    db = new Database(filename, { fileMustExist: true });
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
    // The first read fixes the snapshot; every later one in this transaction sees the same.
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    checkVersion(exists ? ((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0) : null);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(`cannot read ${filename}: ${(error as Error).message}`);
  }
  return {
    engine: 'sqlite',
    where: filename,
    async rows<T>(table: string, scope: Scope, customerColumn?: string) {
      tableSpec(table); // a known table name: no caller text reaches the SQL
      const { sql, params } = filters(scope, customerColumn, () => '?');
      const out: Row<T>[] = [];
      for (const row of db.prepare(`SELECT account_id, seq, data FROM ${table}${sql} ORDER BY seq`).iterate(...params) as Iterable<{ account_id: string; seq: number; data: string }>) {
        out.push({ account: row.account_id, seq: row.seq, object: JSON.parse(row.data) as T });
      }
      return out;
    },
    async cashBalances(scope: Scope) {
      const { sql, params } = filters(scope, 'customer_id', () => '?');
      const rows = db.prepare(`SELECT account_id, customer_id, currency, available FROM cash_balances${sql} ORDER BY account_id, customer_id, currency`).all(...params) as { account_id: string; customer_id: string; currency: string; available: number }[];
      return rows.map((r) => ({ account: r.account_id, customer: r.customer_id, currency: r.currency, available: r.available }));
    },
    async close() {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    },
  };
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value); // BIGINT: every stored value is a safe integer
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

async function openPostgres(url: string): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: url, types } as pg.ClientConfig);
  client.on('error', () => {}); // a dropped connection fails the running query instead
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ECONNREFUSED' ? 'connection refused (is PostgreSQL running there?)' : (error as Error).message || code;
    throw new SnapshotError(`cannot use the PostgreSQL database ${redactUrl(url)}: ${reason}`);
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const exists = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e");
    checkVersion(exists.rows[0].e ? (((await client.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0].v as number | null) ?? 0) : null);
  } catch (error) {
    await client.end().catch(() => {});
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(`cannot read ${redactUrl(url)}: ${(error as Error).message}`);
  }
  return {
    engine: 'postgres',
    where: redactUrl(url),
    async rows<T>(table: string, scope: Scope, customerColumn?: string) {
      tableSpec(table);
      const { sql, params } = filters(scope, customerColumn, (n) => `$${n}`);
      const result = await client.query(`SELECT account_id, seq, data FROM ${table}${sql} ORDER BY seq`, params);
      return result.rows.map((row) => ({ account: row.account_id as string, seq: row.seq as number, object: JSON.parse(row.data as string) as T }));
    },
    async cashBalances(scope: Scope) {
      const { sql, params } = filters(scope, 'customer_id', (n) => `$${n}`);
      const result = await client.query(`SELECT account_id, customer_id, currency, available FROM cash_balances${sql} ORDER BY account_id, customer_id, currency`, params);
      return result.rows.map((r) => ({ account: r.account_id as string, customer: r.customer_id as string, currency: r.currency as string, available: r.available as number }));
    },
    async close() {
      await client.query('COMMIT').catch(() => {});
      await client.end();
    },
  };
}
