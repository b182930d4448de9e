// GET /bank_transfers/instructions/:token — the public page behind hosted_instructions_url.
// Outside /v1 and without an API key: the unguessable token is the credential.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../wire/route.ts';
import { loadAccount } from '../accounts/service.ts';
import type { PaymentIntent } from '../payment-intents/object.ts';
import { INSTRUCTIONS_CSP, instructionsPage } from './page.ts';
import { findHostedInstructions, HOSTED_PATH, setDefaultPublicBaseUrl } from './service.ts';

/** The configured public URL, else http://<host>:<port> of the listening socket. */
export function publicBaseUrlFor(app: FastifyInstance, deps: AppDeps): string {
  if (deps.publicUrl) return deps.publicUrl.replace(/\/+$/, '');
  const address = app.server.address();
  if (address && typeof address === 'object') {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }
  return 'http://127.0.0.1:4242';
}

export function hostedInstructionsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const withdraw = setDefaultPublicBaseUrl(() => publicBaseUrlFor(app, deps));
  app.addHook('onClose', async () => withdraw());
  // A wildcard, not `:token`: the router answers a parameter over its length limit itself, with the API's JSON 404 (wire/http-errors.ts), where the page has its own.
  app.get(`${HOSTED_PATH}/*`, async (request, reply) => {
    const token = (request.params as { '*': string })['*'];
    const html = await deps.store.read(async (tx) => {
      const record = await findHostedInstructions(tx, token);
      if (!record) return undefined;
      const intent = await tx.get<PaymentIntent>('payment_intents', record.account_id, record.payment_intent);
      if (!intent) return undefined;
      const account = await loadAccount(tx, record.account_id);
      const instructions = intent.next_action?.display_bank_transfer_instructions;
      return instructionsPage({
        status: intent.status,
        merchant: account.settings.business_name,
        amountRemaining: intent.status === 'requires_action' && instructions ? instructions.amount_remaining : null,
        currency: intent.currency,
        reference: instructions?.reference ?? intent._reference,
        addresses: instructions?.financial_addresses ?? [],
      });
    });
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', INSTRUCTIONS_CSP);
    if (html === undefined) {
      return reply.code(404).type('text/html; charset=utf-8').send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><p>These bank transfer instructions do not exist.</p></body></html>');
    }
    return reply.code(200).type('text/html; charset=utf-8').send(html);
  });
}
