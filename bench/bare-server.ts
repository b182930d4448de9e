// The ceilings: bare Fastify routes in their own Node process, started exactly like Cashbook
// (node --import tsx, Fastify with a warn-level pino logger, request logging off).
// - GET /bare: what the framework and loopback allow at most.
// - POST /v1/test_helpers/customers/:customer/fund_cash_balance: a Stripe-shaped POST with no
//   database, the ceiling of any durable POST in Node: the form parsed with qs, the key hashed,
//   a funding-sized object built and serialized. Nothing is kept.
import { createHash, randomBytes } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import qs from 'qs';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const app = Fastify({ logger: { level: 'warn' }, logController: new LogController({ disableRequestLogging: true }) });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, qs.parse(body as string, { depth: 5, arrayLimit: 100 })));
app.get('/healthz', async () => ({ ok: true }));
app.get('/bare', async (_request, reply) => {
  reply.header('content-type', 'application/json');
  return '{"object":"bare","ok":true}';
});
let balance = 0;
app.post('/v1/test_helpers/customers/:customer/fund_cash_balance', async (request, reply) => {
  const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
  const hash = createHash('sha256').update(key).digest('hex');
  const form = request.body as { amount?: string; currency?: string };
  const amount = Number(form.amount);
  if (!hash || !Number.isSafeInteger(amount) || amount < 1) return reply.code(400).send({ error: { type: 'invalid_request_error', message: 'bad amount', param: 'amount' } });
  balance += amount;
  const customer = (request.params as { customer: string }).customer;
  const body = {
    id: `ccsbtxn_${randomBytes(12).toString('base64url')}`,
    object: 'customer_cash_balance_transaction',
    created: Math.floor(Date.now() / 1000),
    currency: form.currency,
    customer,
    ending_balance: balance,
    funded: { bank_transfer: { reference: 'REF-1', type: 'us_bank_transfer', us_bank_transfer: { network: 'ach', sender_name: 'Sample Sender' } } },
    livemode: false,
    net_amount: amount,
    type: 'funded',
  };
  reply.header('content-type', 'application/json').header('request-id', `req_${randomBytes(7).toString('base64url')}`);
  return JSON.stringify(body);
});
await app.listen({ host: '127.0.0.1', port });
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
