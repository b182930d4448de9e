// `npm run bench:clock`: how a test clock advance scales with the fundings it ages. For each
// size, a customer on a new clock gets N fundings; the clock is advanced 100 days (each
// funding's day-75 and day-90 jobs run) and timed until `ready`. Linear work shows as a
// flat "ms per funding" column.
//
//   npm run bench:clock -- [--store sqlite|postgres] [--sizes 150,300,600,1200]
import { parseArgs } from 'node:util';
import { ensureDefaultAccount } from '../src/resources/accounts/service.ts';
import { openStore } from '../src/store/open.ts';
import { sdk } from '../test/support/server.ts';
import { startServerProcess } from '../test/support/process.ts';
import { benchDatabase, type BenchStore } from './database.ts';

const KEY = 'sk_test_cashbook_bench_clock_000000000000';
const DAY = 86_400;
const { values } = parseArgs({ options: { store: { type: 'string', default: 'sqlite' }, sizes: { type: 'string', default: '150,300,600,1200' } } });
const sizes = values.sizes!.split(',').map(Number);
const database = await benchDatabase(values.store as BenchStore);
const store = await openStore(database.url);
await ensureDefaultAccount(store, Math.floor(Date.now() / 1000), KEY);
await store.close();
const server = await startServerProcess({ databaseUrl: database.url, apiKey: KEY, logLevel: 'error' });
try {
  const stripe = sdk(server.url, KEY);
  console.log(`test clock advance over N fundings, ${database.description}`);
  console.log('fundings  jobs  advance ms  ms per funding');
  for (const size of sizes) {
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({ test_clock: clock.id });
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next++ < size) await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 100, currency: 'usd' });
    }));
    const began = performance.now();
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 100 * DAY });
    while ((await stripe.testHelpers.testClocks.retrieve(clock.id)).status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 5));
    const ms = performance.now() - began;
    console.log(`${String(size).padStart(8)}  ${String(2 * size).padStart(4)}  ${ms.toFixed(0).padStart(10)}  ${(ms / size).toFixed(2).padStart(14)}`);
  }
} finally {
  await server.stop();
  await database.cleanup();
}
