// `cashbook serve` (the default command): runs the API server.
import { Option, type Command } from 'commander';
import { CliError, errorCode } from './errors.ts';
import { addDatabaseOption, databaseUrl, envPort, openDatabase, portOption } from './options.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function envFlag(name: string): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return false;
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new CliError(`${name}=${raw} is not a switch: use 1 or 0`);
}

export function register(program: Command): void {
  const command = program
    .command('serve', { isDefault: true })
    .description('run the API server (the default command)')
    .option('--host <host>', 'address to listen on (CASHBOOK_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (CASHBOOK_PORT or PORT; default 4242)', portOption);
  addDatabaseOption(command)
    .option('--api-key <key>', 'a secret key the default account also accepts (CASHBOOK_API_KEY)')
    .addOption(new Option('--log-level <level>', 'pino log level (CASHBOOK_LOG_LEVEL; default info)').choices(LOG_LEVELS))
    .option('--metrics', 'serve GET /metrics (Prometheus) on the API port, without a key (CASHBOOK_METRICS=1)')
    .option('--metrics-port <port>', 'serve GET /metrics on this port of --host instead (CASHBOOK_METRICS_PORT)', portOption)
    .action(async (options: { host?: string; port?: number; databaseUrl?: string; apiKey?: string; logLevel?: string; metrics?: boolean; metricsPort?: number }) => {
      const env = process.env;
      const logLevel = options.logLevel ?? env.CASHBOOK_LOG_LEVEL ?? 'info';
      if (!LOG_LEVELS.includes(logLevel)) throw new CliError(`CASHBOOK_LOG_LEVEL=${logLevel} is not a log level: use one of ${LOG_LEVELS.join(', ')}`);
      const metricsPort = options.metricsPort ?? (env.CASHBOOK_METRICS_PORT ? portOrThrow('CASHBOOK_METRICS_PORT', env.CASHBOOK_METRICS_PORT) : undefined);
      const poolSize = env.CASHBOOK_DATABASE_POOL_SIZE;
      if (poolSize !== undefined && poolSize !== '' && !/^[1-9]\d*$/.test(poolSize)) throw new CliError(`CASHBOOK_DATABASE_POOL_SIZE=${poolSize} must be a positive whole number`);
      const config = {
        host: options.host ?? env.CASHBOOK_HOST ?? '127.0.0.1',
        port: options.port ?? envPort(env, 4242),
        databaseUrl: databaseUrl(options),
        databasePoolSize: poolSize ? Number(poolSize) : undefined,
        apiKey: options.apiKey ?? (env.CASHBOOK_API_KEY || undefined),
        logLevel,
        publicUrl: env.CASHBOOK_PUBLIC_URL || undefined,
        metrics: metricsPort !== undefined ? { port: metricsPort } : options.metrics || envFlag('CASHBOOK_METRICS') ? { port: null } : undefined,
      };
      if (config.apiKey !== undefined && !/^sk_(test|live)_[A-Za-z0-9_]{8,}$/.test(config.apiKey)) {
        throw new CliError('CASHBOOK_API_KEY (or --api-key) must look like a secret key: sk_test_ or sk_live_ and at least 8 letters, digits or underscores');
      }
      const { startServer } = await import('../server.ts');
      const store = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
      try {
        await startServer({ ...config, store });
      } catch (error) {
        throw listenError(error, config.host, config.port);
      }
    });
}

function portOrThrow(name: string, raw: string): number {
  try {
    return portOption(raw);
  } catch {
    throw new CliError(`${name}=${raw} is not a port: it must be a whole number from 0 to 65535`);
  }
}

function listenError(error: unknown, host: string, port: number): unknown {
  if (error instanceof CliError) return error;
  const code = errorCode(error);
  const failed = (error as { port?: number }).port ?? port;
  const where = `port ${failed} on ${host}`;
  if (code === 'EADDRINUSE') return new CliError(`${where} is already in use (another Cashbook?): choose another with ${failed === port ? '--port or CASHBOOK_PORT' : '--metrics-port'}`);
  if (code === 'EACCES') return new CliError(`no permission to listen on ${where} (ports below 1024 need root): choose another port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`cannot listen on ${host}: no such address on this machine (--host or CASHBOOK_HOST)`);
  return error;
}
