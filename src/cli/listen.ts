// `cashbook listen`: prints events as they happen and forwards them signed (like `stripe listen`).
import type { Command } from 'commander';
import { apiTarget, connectionError, httpUrl } from './api.ts';
import { positiveIntOption } from './options.ts';

export function register(program: Command): void {
  program
    .command('listen')
    .description('print events as they happen and forward them, signed, to a local URL (like `stripe listen`)')
    .option('--forward-to <url>', 'where to POST each event, e.g. http://localhost:3000/webhooks', httpUrl)
    .option('--api-base <url>', 'the Cashbook API to watch (default http://CASHBOOK_HOST:CASHBOOK_PORT, or http://127.0.0.1:4242)', httpUrl)
    .option('--api-key <key>', 'secret key to read events with (CASHBOOK_API_KEY)')
    .option('--events <types>', 'comma-separated event types to forward (wildcards like payment_intent.*)', '*')
    .option('--secret <whsec>', 'signing secret to use (default: a new one, printed at start)')
    .option('--interval <ms>', 'how often to poll for new events, in milliseconds', positiveIntOption, 250)
    .action(async (options: { forwardTo?: string; apiBase?: string; apiKey?: string; events: string; secret?: string; interval: number }) => {
      const { apiBase, apiKey } = apiTarget(options, 'listen');
      const { listen } = await import('../webhooks/listen.ts');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      try {
        await listen({
          apiBase,
          apiKey,
          forwardTo: options.forwardTo,
          events: options.events.split(',').map((type) => type.trim()).filter(Boolean),
          secret: options.secret,
          intervalMs: options.interval,
          signal: stop.signal,
        });
      } catch (error) {
        throw connectionError(error, apiBase);
      }
    });
}
