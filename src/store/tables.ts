import { objectTables } from './migrations/index.ts';

export type ColumnType = 'text' | 'integer';

export interface TableSpec {
  /** Fields of the stored object copied into columns of the same name, for filters. */
  columns: Record<string, ColumnType>;
  /** Extra indexes; (account_id, id) and (account_id, seq) always exist. */
  indexes: string[][];
}

let cached: Map<string, TableSpec> | undefined;

export function tableSpec(name: string): TableSpec {
  cached ??= objectTables();
  const spec = cached.get(name);
  if (!spec) throw new Error(`unknown table ${name}`);
  return spec;
}

/** Column values of an object for its table's declared columns. */
export function columnValues(spec: TableSpec, object: Record<string, unknown>): (string | number | null)[] {
  return Object.keys(spec.columns).map((column) => {
    const value = object[column];
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'object') return (value as { id?: string }).id ?? null;
    return value as string | number;
  });
}

/** Refuses filter names that are not declared columns, so no caller text reaches SQL. */
export function checkColumns(spec: TableSpec, names: string[]): void {
  for (const name of names) {
    if (!(name in spec.columns)) throw new Error(`not a filterable column: ${name}`);
  }
}
