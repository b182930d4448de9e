// Configuration from the environment, overridden by command-line flags.
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  apiKey?: string;
  logLevel: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    host: env.CASHBOOK_HOST ?? '127.0.0.1',
    port: Number(env.CASHBOOK_PORT ?? env.PORT ?? 4242),
    databaseUrl: env.CASHBOOK_DATABASE_URL ?? './cashbook.db',
    apiKey: env.CASHBOOK_API_KEY || undefined,
    logLevel: env.CASHBOOK_LOG_LEVEL ?? 'info',
  };
}
