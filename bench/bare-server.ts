// The ceiling: a bare Fastify route in its own Node process, started exactly like Cashbook
// (node --import tsx, Fastify with a warn-level pino logger, request logging off).
import Fastify, { LogController } from 'fastify';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const app = Fastify({ logger: { level: 'warn' }, logController: new LogController({ disableRequestLogging: true }) });
app.get('/healthz', async () => ({ ok: true }));
app.get('/bare', async (_request, reply) => {
  reply.header('content-type', 'application/json');
  return '{"object":"bare","ok":true}';
});
await app.listen({ host: '127.0.0.1', port });
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
