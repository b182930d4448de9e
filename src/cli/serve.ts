// `cashbook serve` (the default command): runs the API server.
import { Option, type Command } from 'commander';
import { LOG_LEVELS, serveConfig, type ServeFlags } from '../config.ts';
import { CliError, errorCode } from './errors.ts';
import { RevokedKeyError } from '../resources/accounts/service.ts';
import { addDatabaseOption, checkDatabase, databaseUrl, openDatabase, portOption } from './options.ts';

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
    .action(async (options: Omit<ServeFlags, 'databaseUrl'> & { databaseUrl?: string }) => {
      // Every setting is checked before the database is opened: a mistake changes nothing.
      const config = serveConfig({ ...options, databaseUrl: databaseUrl(options) });
      const { startServer } = await import('../server.ts');
      await checkDatabase(config.databaseUrl);
      const store = await openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize, timeoutMs: config.databaseTimeoutMs });
      try {
        await startServer({ ...config, store });
      } catch (error) {
        throw listenError(error, config.host, config.port);
      }
    });
}

function listenError(error: unknown, host: string, port: number): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof RevokedKeyError) return new CliError(error.message);
  const code = errorCode(error);
  const failed = (error as { port?: number }).port ?? port;
  const where = `port ${failed} on ${host}`;
  // serveMetrics marks its errors: the metrics port may equal the API port's number (both 0, say).
  const metrics = (error as { metrics?: boolean }).metrics === true;
  if (code === 'EADDRINUSE') return new CliError(`${where} is already in use (another Cashbook?): choose another with ${metrics ? '--metrics-port or CASHBOOK_METRICS_PORT' : '--port or CASHBOOK_PORT'}`);
  if (code === 'EACCES') return new CliError(`no permission to listen on ${where} (ports below 1024 need root): choose another port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`cannot listen on ${host}: no such address on this machine (--host or CASHBOOK_HOST)`);
  return error;
}
