// A migration is numbered and append-only: never edit a released one, add a new file.
// Steps are engine-neutral where they can be; each adapter renders them in its own SQL.
import type { ColumnType } from '../tables.ts';

export type MigrationStep =
  | { kind: 'objectTable'; table: string; columns: Record<string, ColumnType>; indexes: string[][] }
  | { kind: 'addColumn'; table: string; column: string; type: ColumnType }
  | { kind: 'addIndex'; table: string; columns: string[] }
  | { kind: 'sql'; sqlite: string; postgres: string };

export interface Migration {
  version: number;
  name: string;
  steps: MigrationStep[];
}

