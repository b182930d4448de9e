// Configuration from the environment, overridden by command-line flags.
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  /** PostgreSQL connections per process (CASHBOOK_DATABASE_POOL_SIZE); SQLite ignores it. */
  databasePoolSize?: number;
  apiKey?: string;
  logLevel: string;
  /** Base URL customers reach this server at (hosted instructions links); default http://<host>:<port>. */
  publicUrl?: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.CASHBOOK_HOST ?? '127.0.0.1',
    port: Number(env.CASHBOOK_PORT ?? env.PORT ?? 4242),
    publicUrl: env.CASHBOOK_PUBLIC_URL || undefined,
    databaseUrl: env.CASHBOOK_DATABASE_URL ?? './cashbook.db',
    databasePoolSize: env.CASHBOOK_DATABASE_POOL_SIZE ? Number(env.CASHBOOK_DATABASE_POOL_SIZE) : undefined,
    apiKey: env.CASHBOOK_API_KEY || undefined,
    logLevel: env.CASHBOOK_LOG_LEVEL ?? 'info',
  };
}
