// The server's configuration: environment variables, overridden by `cashbook serve` flags.
// Everything is read and checked here, before any database is opened or written, so that a
// mistake ends in one line naming its variable (src/cli/serve.ts) and nothing else happens.
import { LIVE_SCHEDULE, TEST_SCHEDULE, parseSchedule, type RetrySchedule } from './core/webhook-retry.ts';
import { CliError } from './cli/errors.ts';
import { envPort, portOption } from './cli/options.ts';
import { connectionLimitsFromEnv, positiveInteger, type ConnectionLimits } from './connections.ts';
import { DEFAULT_DATABASE_TIMEOUT_MS } from './store/open.ts';
import { webhookNumbersFromEnv, type WebhookConfig } from './webhooks/config.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  /** PostgreSQL connections per process (CASHBOOK_DATABASE_POOL_SIZE); SQLite ignores it. */
  databasePoolSize?: number;
  /** PostgreSQL: how long a statement may go unanswered (CASHBOOK_DATABASE_TIMEOUT_MS); SQLite ignores it. */
  databaseTimeoutMs?: number;
  apiKey?: string;
  logLevel: string;
  /** Base URL customers reach this server at (hosted instructions links); default http://<host>:<port>. */
  publicUrl?: string;
  /** Keep Prometheus metrics: served on the API port (`port: null`) or a port of their own. */
  metrics?: { port: number | null };
  /** Timeouts, the connection cap and the shutdown grace period (src/connections.ts). */
  limits: ConnectionLimits;
  webhooks: WebhookConfig;
  /** How often the scheduler runs due real-clock jobs (CASHBOOK_SCHEDULER_INTERVAL_MS). */
  schedulerIntervalMs: number;
}

/** What `cashbook serve` was given on its command line. */
export interface ServeFlags {
  host?: string;
  port?: number;
  databaseUrl: string;
  apiKey?: string;
  logLevel?: string;
  metrics?: boolean;
  metricsPort?: number;
}

/** A switch: 1/true/on/yes or 0/false/off/no (any case); unset or empty is `fallback`. */
export function envSwitch(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new CliError(`${name}=${raw} is not a switch: use 1 or 0`);
}

/** Runs a reader of settings that throws a plain Error naming its variable, as a CliError. */
function named<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof CliError ? error : new CliError((error as Error).message);
  }
}

function schedule(env: NodeJS.ProcessEnv, name: string): RetrySchedule | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return parseSchedule(raw);
  } catch {
    throw new CliError(`${name}=${raw} is not a retry schedule: give delays in seconds, comma-separated (e.g. 60,300,1800)`);
  }
}

function webhookSettings(env: NodeJS.ProcessEnv): WebhookConfig {
  const both = schedule(env, 'CASHBOOK_WEBHOOK_RETRY_SCHEDULE');
  const test = schedule(env, 'CASHBOOK_WEBHOOK_TEST_RETRY_SCHEDULE');
  return {
    ...named(() => webhookNumbersFromEnv(env)),
    enabled: envSwitch(env, 'CASHBOOK_WEBHOOK_WORKER', true),
    liveSchedule: both ?? LIVE_SCHEDULE,
    testSchedule: test ?? both ?? TEST_SCHEDULE,
  };
}

function metricsPortFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.CASHBOOK_METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  try {
    return portOption(raw);
  } catch {
    throw new CliError(`CASHBOOK_METRICS_PORT=${raw} is not a port: it must be a whole number from 0 to 65535`);
  }
}

function publicUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.CASHBOOK_PUBLIC_URL;
  if (!raw) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    // Refused below.
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) throw new CliError(`CASHBOOK_PUBLIC_URL=${raw} is not a URL: give the base customers reach this server at, e.g. https://pay.example.com`);
  return raw;
}

/** Every setting of `cashbook serve`, checked; throws a CliError naming the first bad one. */
export function serveConfig(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = flags.logLevel ?? env.CASHBOOK_LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new CliError(`CASHBOOK_LOG_LEVEL=${logLevel} is not a log level: use one of ${LOG_LEVELS.join(', ')}`);
  const port = flags.port ?? envPort(env, 4242);
  const metricsPort = flags.metricsPort ?? metricsPortFromEnv(env);
  const metricsOn = flags.metrics || envSwitch(env, 'CASHBOOK_METRICS', false);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    throw new CliError(`the metrics port ${metricsPort} is the API port: choose another with --metrics-port or CASHBOOK_METRICS_PORT (or drop it to serve /metrics on the API port)`);
  }
  const apiKey = flags.apiKey ?? (env.CASHBOOK_API_KEY || undefined);
  if (apiKey !== undefined && !/^sk_(test|live)_[A-Za-z0-9_]{8,}$/.test(apiKey)) {
    throw new CliError('CASHBOOK_API_KEY (or --api-key) must look like a secret key: sk_test_ or sk_live_ and at least 8 letters, digits or underscores');
  }
  return {
    host: flags.host ?? env.CASHBOOK_HOST ?? '127.0.0.1',
    port,
    databaseUrl: flags.databaseUrl,
    databasePoolSize: named(() => positiveInteger(env.CASHBOOK_DATABASE_POOL_SIZE, 'CASHBOOK_DATABASE_POOL_SIZE', 10)),
    databaseTimeoutMs: named(() => positiveInteger(env.CASHBOOK_DATABASE_TIMEOUT_MS, 'CASHBOOK_DATABASE_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUT_MS)),
    apiKey,
    logLevel,
    publicUrl: publicUrl(env),
    metrics: metricsPort !== undefined ? { port: metricsPort } : metricsOn ? { port: null } : undefined,
    limits: named(() => connectionLimitsFromEnv(env)),
    webhooks: webhookSettings(env),
    schedulerIntervalMs: named(() => positiveInteger(env.CASHBOOK_SCHEDULER_INTERVAL_MS, 'CASHBOOK_SCHEDULER_INTERVAL_MS', 60_000)),
  };
}
