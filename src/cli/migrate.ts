// `cashbook migrate`: applies the database migrations and exits.
import type { Command } from 'commander';
import { addDatabaseOption, databaseUrl, openDatabase } from './options.ts';

export function register(program: Command): void {
  addDatabaseOption(program.command('migrate').description('apply database migrations and exit')).action(async (options: { databaseUrl?: string }) => {
    const store = await openDatabase(databaseUrl(options));
    await store.close();
    console.log('migrations applied');
  });
}
