// `npm run bench`: throughput and latency of Cashbook beside a bare Fastify route, measured
// with autocannon over loopback. The server under test runs in its own Node process (spawned
// like `cashbook serve`), so autocannon never shares its event loop.
//
//   npm run bench -- [--duration 8] [--warmup 1] [--connections 50] [--rounds 1]
//                    [--store sqlite|postgres] [--database-url URL] [--only substring,...]
//                    [--profile DIR] [--json]
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { systemClock } from '../src/core/clock.ts';
import { randomIds } from '../src/core/ids.ts';
import { DEFAULT_ACCOUNT_ID, ensureDefaultAccount } from '../src/resources/accounts/service.ts';
import { openStore } from '../src/store/open.ts';
import { systemContext } from '../src/wire/context.ts';
import { spawnNodeServer, startServerProcess, type ChildServer } from '../test/support/process.ts';
import { benchDatabase, type BenchStore } from './database.ts';
import type { Scenario, Target } from './scenario.ts';
import { bareRoute } from './scenarios/bare-route.ts';
import { stripeShapedPost } from './scenarios/stripe-post.ts';
import { preparePgbench, runPgbench } from './pgbench.ts';
import { fundCashBalance, fundTwentyCustomers } from './scenarios/fund-cash-balance.ts';
import { fundHotCustomer } from './scenarios/fund-hot-customer.ts';
import { listCashTransactions } from './scenarios/list-cash-transactions.ts';
import { retrieveCashBalance } from './scenarios/retrieve-cash-balance.ts';
import { webhookScenarios } from './scenarios/webhooks.ts';
import { confirmCoveredIntent } from './scenarios/confirm-covered-intent.ts';

/** Every scenario, in the order they run. The ceilings (bare route, no-database POST) come first: they are the yardsticks. */
const SCENARIOS: Scenario[] = [
  bareRoute,
  stripeShapedPost,
  fundCashBalance,
  fundTwentyCustomers,
  fundHotCustomer,
  retrieveCashBalance,
  listCashTransactions(100),
  listCashTransactions(100_000),
  confirmCoveredIntent,
  ...webhookScenarios,
];

const BENCH_KEY = 'sk_test_cashbook_bench_0000000000000000';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '1' },
    store: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: npm run bench -- [options]
  --duration <s>        seconds measured per scenario (default 8)
  --warmup <s>          seconds of unmeasured warm-up per scenario (default 1)
  --connections <n>     concurrent connections (default 50)
  --rounds <n>          measure every scenario n times, interleaved (bare, a, b, ..., bare, a, b, ...),
                        and report medians: on a shared machine drift then hits every scenario alike;
                        a scenario and its baseline swap places every other round (use an even n)
  --store <engine>      sqlite (default, fresh temp file) or postgres
  --database-url <url>  database to use (postgres: an embedded server is started when omitted)
  --only <a,b>          run only scenarios whose name contains one of these (the bare route always runs)
  --profile <dir>       run the Cashbook server with node --cpu-prof, profiles written to <dir>
  --json                print the results as JSON too`);
  process.exit(0);
}

const duration = Number(args.duration);
const warmup = Number(args.warmup);
const connections = Number(args.connections);
const rounds = Number(args.rounds);
const store = args.store as BenchStore;
if (store !== 'sqlite' && store !== 'postgres') throw new Error(`--store must be sqlite or postgres, not ${store}`);
if (!(duration > 0) || !(warmup >= 0) || !(connections > 0) || !Number.isInteger(rounds) || rounds < 1) {
  throw new Error('--duration, --warmup and --connections must be positive numbers, --rounds a positive integer');
}

const filters = args.only?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const scenarios = SCENARIOS.filter((s) => s.server === 'bare' || !filters || filters.some((f) => s.name.toLowerCase().includes(f)));

interface Row {
  name: string;
  requestsPerSecond: number;
  /** CPU time (user + system, all threads) the server process spent per request; less noisy than req/s on a shared machine. */
  cpuMicrosPerRequest: number | null;
  p50: number;
  p99: number;
  total: number;
  failures: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;

async function measure(target: Target, scenario: Scenario, state: unknown, pid: number): Promise<Row> {
  const run = (seconds: number) =>
    autocannon({ url: target.url, connections, duration: seconds, requests: scenario.requests(target, state) });
  if (warmup > 0) await run(warmup);
  const cpuBefore = cpuSeconds(pid);
  const result = await run(duration);
  const cpuAfter = cpuSeconds(pid);
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) console.error(`  ! ${scenario.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  await scenario.verify?.(target, state, result);
  const cpuMicrosPerRequest = cpuBefore === null || cpuAfter === null || result.requests.total === 0 ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / result.requests.total);
  const row = { name: scenario.name, requestsPerSecond: result.requests.average, cpuMicrosPerRequest, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, failures };
  console.error(`  ${row.name}: ${Math.round(row.requestsPerSecond)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, server CPU ${row.cpuMicrosPerRequest ?? '?'} µs/req`);
  return row;
}

async function stopChecked(server: ChildServer, what: string): Promise<void> {
  const status = await server.stop();
  if (status.code !== 0) console.error(`  ! ${what} (pid ${server.pid}) ended with ${JSON.stringify(status)}:\n${server.output()}`);
}

/**
 * The scenarios in the order round `round` runs them: a scenario measured against the one just
 * before it (its `baseline`) goes first in every other round, so whatever favours the earlier
 * or the later of two adjacent runs (the machine slowing down under sustained load, a growing
 * database) hits each side in half of the rounds.
 */
function roundOrder(round: number): Scenario[] {
  const order = [...scenarios];
  if (round % 2 === 1) return order;
  for (let i = 1; i < order.length; i++) {
    if (order[i].baseline === order[i - 1].name) [order[i - 1], order[i]] = [order[i], order[i - 1]];
  }
  return order;
}

/** Each scenario's measurements, one per round, in scenario order. */
const runs = new Map<Scenario, Row[]>();
/** pgbench -N transactions per second, one per round (PostgreSQL only). */
const pgbench: number[] = [];
const record = (scenario: Scenario, row: Row) => runs.set(scenario, [...(runs.get(scenario) ?? []), row]);
const database = await benchDatabase(store, args['database-url']);
let serverPid = 0;
try {
  console.error(`bench: ${connections} connections, ${duration} s per scenario (+${warmup} s warm-up), ${rounds} round(s), store ${store}`);

  // 1. Seed through the services, in this process, before any server starts.
  const states = new Map<Scenario, unknown>();
  const seedStarted = Date.now();
  {
    const db = await openStore(database.url);
    try {
      await ensureDefaultAccount(db, Math.floor(Date.now() / 1000), BENCH_KEY);
      const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
      for (const scenario of scenarios) if (scenario.seed) states.set(scenario, await scenario.seed({ store: db, ctx }));
    } finally {
      await db.close();
    }
    if (store === 'postgres') await analyze(database.url);
  }
  console.error(`  seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

  // 2. The ceiling and Cashbook, each in its own process, measured in turn in every round.
  const bare = await spawnNodeServer({ args: ['bench/bare-server.ts', '--port', '{port}'] });
  const nodeFlags = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
  let server: ChildServer | undefined;
  try {
    server = await startServerProcess({ databaseUrl: database.url, apiKey: BENCH_KEY, logLevel: 'warn', nodeFlags });
    serverPid = server.pid;
    const targets = { bare: { url: bare.url, key: '', pid: bare.pid }, cashbook: { url: server.url, key: BENCH_KEY, pid: server.pid } };
    const withPgbench = store === 'postgres' && (await preparePgbench(database.url));
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) console.error(`  round ${round} of ${rounds}`);
      for (const scenario of roundOrder(round)) {
        const { pid, ...target } = targets[scenario.server];
        record(scenario, await measure(target, scenario, states.get(scenario), pid));
      }
      if (withPgbench) {
        const result = runPgbench(database.url, connections, duration);
        pgbench.push(result.tps);
        console.error(`  pgbench -N: ${Math.round(result.tps)} tps, mean latency ${result.latencyMs} ms`);
      }
    }
  } finally {
    for (const scenario of scenarios) await scenario.teardown?.(states.get(scenario));
    await stopChecked(bare, 'bare server');
    if (server) await stopChecked(server, 'Cashbook server');
  }
} finally {
  await database.cleanup();
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
/** One row per scenario: the median of its rounds (the only value when there is one round). */
const rows: Row[] = [...runs].map(([scenario, measured]) => ({
  name: scenario.name,
  requestsPerSecond: median(measured.map((r) => r.requestsPerSecond)),
  cpuMicrosPerRequest: measured.some((r) => r.cpuMicrosPerRequest === null) ? null : median(measured.map((r) => r.cpuMicrosPerRequest!)),
  p50: median(measured.map((r) => r.p50)),
  p99: median(measured.map((r) => r.p99)),
  total: measured.reduce((sum, r) => sum + r.total, 0),
  failures: measured.reduce((sum, r) => sum + r.failures, 0),
}));

const ceiling = rows.find((r) => r.name === bareRoute.name)!.requestsPerSecond;
const postCeiling = rows.find((r) => r.name === stripeShapedPost.name)?.requestsPerSecond;
const pgCeiling = pgbench.length > 0 ? median(pgbench) : undefined;
const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);
const nameWidth = Math.max(...rows.map((r) => r.name.length)) + 2;
console.log('');
console.log(`Cashbook bench: ${connections} connections, ${duration} s per scenario after ${warmup} s warm-up, ${rounds > 1 ? `median of ${rounds} interleaved rounds` : 'one round'}, store ${store} (${database.description})`);
console.log(`Process model: each server under test runs in its own Node process (Cashbook pid ${serverPid}), autocannon in this one (pid ${process.pid}); they share no event loop, only the machine's ${os.cpus().length} CPUs.`);
console.log(`Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('CPU µs/req: CPU time (user + system, all threads) of the server process per request; steadier than req/s when the machine is shared.');
console.log('');
const ratio = (value: number, of: number | undefined) => (of ? `${(value / of).toFixed(2)}×` : '-');
console.log(pad('scenario', nameWidth) + lpad('req/s', 9) + lpad('p50 ms', 9) + lpad('p99 ms', 9) + lpad('vs bare', 9) + lpad('vs POST', 9) + (pgCeiling ? lpad('vs pgbench', 12) : '') + lpad('CPU µs/req', 12) + lpad('failed', 8));
for (const row of rows) {
  console.log(
    pad(row.name, nameWidth) +
      lpad(String(Math.round(row.requestsPerSecond)), 9) +
      lpad(String(row.p50), 9) +
      lpad(String(row.p99), 9) +
      lpad(`${((100 * row.requestsPerSecond) / ceiling).toFixed(0)}%`, 9) +
      lpad(ratio(row.requestsPerSecond, postCeiling), 9) +
      (pgCeiling ? lpad(ratio(row.requestsPerSecond, pgCeiling), 12) : '') +
      lpad(String(row.cpuMicrosPerRequest ?? '-'), 12) +
      lpad(String(row.failures), 8),
  );
}
if (pgCeiling) console.log(pad(`pgbench -N, ${connections} clients (PostgreSQL ceiling)`, nameWidth) + lpad(String(Math.round(pgCeiling)), 9));
// Scenarios measured against a baseline: the drop in each round (the two ran minutes apart at
// most, so the machine's drift hits both alike), then the median.
const comparisons = [...runs].flatMap(([scenario, measured]) => {
  const baseline = [...runs].find(([other]) => other.name === scenario.baseline);
  if (!baseline) return [];
  const drops = measured.map((row, round) => 1 - row.requestsPerSecond / baseline[1][round].requestsPerSecond);
  const cpu = measured.map((row, round) => (row.cpuMicrosPerRequest ?? NaN) / (baseline[1][round].cpuMicrosPerRequest ?? NaN) - 1);
  const percent = (value: number) => `${(100 * value).toFixed(0)}%`;
  console.log('');
  console.log(`${scenario.name} vs ${baseline[0].name}: throughput ${percent(median(drops))} lower, CPU per request ${percent(median(cpu))} higher (median of ${measured.length} round(s); per round: ${drops.map(percent).join(', ')} lower)`);
  return [{ scenario: scenario.name, baseline: baseline[0].name, throughputDrops: drops, cpuIncreases: cpu }];
});
if (args.json) console.log(JSON.stringify({ connections, duration, warmup, rounds, store, rows, comparisons, pgbench }, null, 2));
if (rows.some((r) => r.failures > 0)) process.exitCode = 1;

/**
 * PostgreSQL after a bulk load, as its documentation advises and as autovacuum would do within
 * a minute: gather statistics. Without them the planner takes the freshly seeded 100,000-row
 * table for a few rows and sorts a customer's whole ledger for each page (17 req/s instead of ~700).
 */
async function analyze(url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
