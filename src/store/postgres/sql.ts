// SQL text for PostgreSQL, built only from declared table and column names. Every statement
// names account_id first, so a table can be distributed by account (docs/postgres.md).
import { createHash } from 'node:crypto';
import type { MigrationStep } from '../migrations/index.ts';
import type { ColumnType } from '../tables.ts';
import type { DueQuery, ListQuery } from '../types.ts';
import { checkColumns, tableSpec } from '../tables.ts';

const TYPE: Record<ColumnType, string> = { text: 'TEXT', integer: 'BIGINT' };

/** PostgreSQL truncates identifiers at 63 bytes; a long index name keeps a hash so two never collide. */
export function identifier(name: string): string {
  if (name.length <= 63) return name;
  return `${name.slice(0, 50)}_${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/**
 * An object table: `data` is the Stripe object as JSON *text*, not jsonb. We never query
 * inside it (filters use declared columns), text keeps the object byte-for-byte as SQLite
 * stores it (jsonb reorders keys and rejects \u0000 escapes, which user metadata may
 * carry), and it costs no JSON parse on write or re-serialisation on read.
 */
export function renderStep(step: MigrationStep): string[] {
  switch (step.kind) {
    case 'objectTable': {
      const columns = Object.entries(step.columns).map(([name, type]) => `, ${name} ${TYPE[type]}`).join('');
      return [
        `CREATE TABLE ${step.table} (account_id TEXT NOT NULL, id TEXT NOT NULL,
          seq BIGINT GENERATED ALWAYS AS IDENTITY, created BIGINT NOT NULL${columns}, data TEXT NOT NULL,
          PRIMARY KEY (account_id, id))`,
        `CREATE INDEX ${identifier(`${step.table}_seq`)} ON ${step.table} (account_id, seq)`,
        ...step.indexes.map((cols) => indexSql(step.table, cols)),
      ];
    }
    case 'addColumn':
      return [`ALTER TABLE ${step.table} ADD COLUMN ${step.column} ${TYPE[step.type]}`];
    case 'addIndex':
      return [indexSql(step.table, step.columns)];
    case 'sql':
      return [step.postgres];
  }
}

function indexSql(table: string, columns: string[]): string {
  return `CREATE INDEX ${identifier(`${table}_${columns.join('_')}`)} ON ${table} (account_id, ${columns.join(', ')})`;
}

/**
 * Text in a filter column may hold characters PostgreSQL text cannot (NUL). Columns exist
 * only for equality filters (the object itself is in `data`), so they hold an injective
 * escape of the value, applied alike when writing and when filtering.
 */
export function columnText(value: string): string {
  if (!value.includes('\\') && !value.includes('\u0000')) return value;
  return value.replace(/\\/g, '\\\\').replace(/\u0000/g, '\\0');
}

export function columnParam(value: string | number | null): string | number | null {
  return typeof value === 'string' ? columnText(value) : value;
}

/** ` AND col = $n` for each filter (validated against the table's columns), numbering from `next`. */
export function whereClause(table: string, where: Record<string, string | number | null>, params: unknown[]): string {
  const spec = tableSpec(table);
  const entries = Object.entries(where);
  checkColumns(spec, entries.map(([name]) => name));
  let sql = '';
  for (const [name, value] of entries) {
    if (value === null) sql += ` AND ${name} IS NULL`;
    else {
      params.push(columnParam(value));
      sql += ` AND ${name} = $${params.length}`;
    }
  }
  return sql;
}

/** A list query with numbered parameters; cursors resolve to `seq` by subquery on the same account. */
export function listSql(table: string, accountId: string, query: ListQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId];
  const where = { ...(query.where ?? {}) };
  const steer = steeringColumn(table, where);
  let steerParam = 0;
  if (steer !== undefined) {
    params.push(columnParam(where[steer]));
    steerParam = params.length;
    delete where[steer];
  }
  let sql = `SELECT data FROM ${table} WHERE account_id = $1${whereClause(table, where, params)}`;
  if (steer !== undefined) sql += ` AND ${steer} >= $${steerParam} AND ${steer} <= $${steerParam}`;
  checkColumns(tableSpec(table), query.whereNotNull ?? []);
  for (const name of query.whereNotNull ?? []) sql += ` AND ${name} IS NOT NULL`;
  const sets = Object.entries(query.whereIn ?? {});
  checkColumns(tableSpec(table), sets.map(([name]) => name));
  for (const [name, values] of sets) {
    // One array parameter: the statement text does not depend on the list's length.
    params.push(values.map(columnParam));
    sql += ` AND ${name} = ANY($${params.length})`;
  }
  for (const [op, sqlOp] of [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const) {
    const bound = query.created?.[op];
    if (bound !== undefined) {
      params.push(bound);
      sql += ` AND created ${sqlOp} $${params.length}`;
    }
  }
  const floors = Object.entries(query.atLeast ?? {});
  checkColumns(tableSpec(table), floors.map(([name]) => name));
  for (const [name, value] of floors) {
    params.push(value);
    sql += ` AND ${name} >= $${params.length}`;
  }
  let order = 'DESC';
  const cursor = query.startingAfter ?? query.endingBefore;
  if (cursor !== undefined) {
    params.push(cursor);
    const op = query.startingAfter !== undefined ? '<' : '>';
    const cursorSeq = `(SELECT c.seq FROM ${table} c WHERE c.account_id = $1 AND c.id = $${params.length})`;
    // A row comparison positions the index scan at the cursor instead of walking up to it.
    sql += steer !== undefined ? ` AND (${steer}, seq) ${op} ($${steerParam}, ${cursorSeq})` : ` AND seq ${op} ${cursorSeq}`;
    if (query.startingAfter === undefined) order = 'ASC';
  }
  params.push(query.limit + 1);
  const orderBy = steer !== undefined ? `${steer} ${order}, seq ${order}` : `seq ${order}`;
  return { sql: `${sql} ORDER BY ${orderBy} LIMIT $${params.length}`, params };
}

/**
 * The equality filter that has its own (account_id, column, seq) index, if any. It is written
 * as a range and put in ORDER BY, which only that index delivers without a sort: with an
 * equality the planner may instead walk the (account_id, seq) index and filter, which is as
 * fast while the customer's rows are the newest and reads the whole table when they are not.
 */
function steeringColumn(table: string, where: Record<string, string | number | null>): string | undefined {
  const indexed = tableSpec(table).indexes;
  return Object.keys(where).find((name) => where[name] !== null && indexed.some((cols) => cols.length === 2 && cols[0] === name && cols[1] === 'seq'));
}

/**
 * A due-work query (see DueQuery). In a write transaction the rows are locked and rows other
 * transactions hold are skipped, so concurrent workers (in any process) split the work.
 */
export function dueSql(table: string, query: DueQuery, lock: boolean): { sql: string; params: unknown[] } {
  const spec = tableSpec(table);
  checkColumns(spec, [query.column]);
  const params: unknown[] = [query.max];
  let sql = `SELECT account_id, data FROM ${table} WHERE ${query.column} <= $1`;
  if (query.accountId !== undefined) {
    params.push(query.accountId);
    sql += ` AND account_id = $${params.length}`;
  }
  sql += whereClause(table, query.where ?? {}, params);
  params.push(query.limit);
  sql += ` ORDER BY ${query.column}, seq LIMIT $${params.length}`;
  if (lock) sql += ' FOR UPDATE SKIP LOCKED';
  return { sql, params };
}
