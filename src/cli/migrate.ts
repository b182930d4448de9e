// `cashbook migrate`: applies the database migrations and exits.
import type { Command } from 'commander';
import { addDatabaseOption, checkDatabase, databaseUrl, openDatabase } from './options.ts';

export function register(program: Command): void {
  addDatabaseOption(program.command('migrate').description('apply database migrations and exit')).action(async (options: { databaseUrl?: string }) => {
    const url = databaseUrl(options);
    await checkDatabase(url);
    const store = await openDatabase(url);
    await store.close();
    console.log('migrations applied');
  });
}
