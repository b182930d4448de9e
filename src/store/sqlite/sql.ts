// SQL text for SQLite, built only from declared table and column names.
import type { MigrationStep } from '../migrations/index.ts';
import type { DueQuery, ListQuery } from '../types.ts';
import { checkColumns, tableSpec } from '../tables.ts';

const TYPE = { text: 'TEXT', integer: 'INTEGER' } as const;

export function renderStep(step: MigrationStep): string[] {
  switch (step.kind) {
    case 'objectTable': {
      const columns = Object.entries(step.columns).map(([name, type]) => `, ${name} ${TYPE[type]}`).join('');
      return [
        `CREATE TABLE ${step.table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT NOT NULL, id TEXT NOT NULL,
          created INTEGER NOT NULL${columns}, data TEXT NOT NULL)`,
        `CREATE UNIQUE INDEX ${step.table}_id ON ${step.table} (account_id, id)`,
        ...step.indexes.map((cols) => indexSql(step.table, cols)),
      ];
    }
    case 'addColumn':
      return [`ALTER TABLE ${step.table} ADD COLUMN ${step.column} ${TYPE[step.type]}`];
    case 'addIndex':
      return [indexSql(step.table, step.columns)];
    case 'sql':
      return [step.sqlite];
  }
}

function indexSql(table: string, columns: string[]): string {
  return `CREATE INDEX ${table}_${columns.join('_')} ON ${table} (account_id, ${columns.join(', ')})`;
}

/** A list query as SQL with positional parameters; cursors resolve to `seq` by subquery. */
export function listSql(table: string, accountId: string, query: ListQuery): { sql: string; params: unknown[] } {
  const spec = tableSpec(table);
  const where = ['account_id = ?'];
  const params: unknown[] = [accountId];
  const filters = Object.entries(query.where ?? {});
  checkColumns(spec, filters.map(([name]) => name));
  for (const [name, value] of filters) {
    if (value === null) where.push(`${name} IS NULL`);
    else {
      where.push(`${name} = ?`);
      params.push(value);
    }
  }
  checkColumns(spec, query.whereNotNull ?? []);
  for (const name of query.whereNotNull ?? []) where.push(`${name} IS NOT NULL`);
  const sets = Object.entries(query.whereIn ?? {});
  checkColumns(spec, sets.map(([name]) => name));
  for (const [name, values] of sets) {
    if (values.length === 0) where.push('0 = 1');
    else {
      where.push(`${name} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    }
  }
  for (const [op, sqlOp] of [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const) {
    const bound = query.created?.[op];
    if (bound !== undefined) {
      where.push(`created ${sqlOp} ?`);
      params.push(bound);
    }
  }
  const floors = Object.entries(query.atLeast ?? {});
  checkColumns(spec, floors.map(([name]) => name));
  for (const [name, value] of floors) {
    where.push(`${name} >= ?`);
    params.push(value);
  }
  let order = 'DESC';
  if (query.startingAfter !== undefined) {
    where.push(`seq < (SELECT seq FROM ${table} WHERE account_id = ? AND id = ?)`);
    params.push(accountId, query.startingAfter);
  } else if (query.endingBefore !== undefined) {
    where.push(`seq > (SELECT seq FROM ${table} WHERE account_id = ? AND id = ?)`);
    params.push(accountId, query.endingBefore);
    order = 'ASC';
  }
  params.push(query.limit + 1);
  return { sql: `SELECT data FROM ${table} WHERE ${where.join(' AND ')} ORDER BY seq ${order} LIMIT ?`, params };
}

/** A due-work query (see DueQuery) as SQL; SQLite has one writer, so no locking clause. */
export function dueSql(table: string, query: DueQuery): { sql: string; params: unknown[] } {
  const spec = tableSpec(table);
  const filters = Object.entries(query.where ?? {});
  checkColumns(spec, [query.column, ...filters.map(([name]) => name)]);
  const where = [`${query.column} <= ?`];
  const params: unknown[] = [query.max];
  if (query.accountId !== undefined) {
    where.push('account_id = ?');
    params.push(query.accountId);
  }
  for (const [name, value] of filters) {
    if (value === null) where.push(`${name} IS NULL`);
    else {
      where.push(`${name} = ?`);
      params.push(value);
    }
  }
  params.push(query.limit);
  return { sql: `SELECT account_id, data FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${query.column}, seq LIMIT ?`, params };
}
