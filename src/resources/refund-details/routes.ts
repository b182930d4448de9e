// The customer's refund page (public, like the hosted instructions page) and the API route
// that makes its link: POST /cashbook/v1/refunds/:refund/bank_details_link.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import { parsePayoutAccount, PAYOUT_TYPE, type PayoutAccount } from '../../core/payout-account.ts';
import { testBankAccountOutcome } from '../../core/refund.ts';
import { systemContext } from '../../wire/context.ts';
import { paramsObject } from '../../wire/params.ts';
import { addWriteRoute, type AppDeps } from '../../wire/route.ts';
import { loadAccount } from '../accounts/service.ts';
import { acceptBankDetails, submitBankDetails } from '../refunds/lifecycle.ts';
import { detailsForm, detailsMessage, STYLE_SOURCE } from './page.ts';
import { createRefundLink, linkRefusal, markLinkUsed, openRefundLink, REFUND_DETAILS_PATH } from './service.ts';

const CSP = `default-src 'none'; style-src ${STYLE_SOURCE}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', CSP);
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

const GONE = 'This link is no longer valid. If you are still waiting for a refund, ask the merchant for a new link.';

/**
 * A failure before or inside the page's handler (a body over the limit, one that is not a form,
 * a form the parser refuses, the store failing): the page in HTML with the failure's status,
 * never the API's JSON, as a customer opened it in a browser.
 */
function pageError(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error instanceof ApiError ? error.status : (error.statusCode ?? 500);
  if (status >= 500 || status < 400) {
    request.log.error({ err: error, requestId: request.id }, 'refund page failed');
    return html(reply, 500, detailsMessage('Cashbook', 'Something went wrong on our side. Please try again in a few minutes.'));
  }
  if (status === 413) return html(reply, 413, detailsMessage('Cashbook', 'What was sent is too large for this form. Go back to the form and submit it again.'));
  const type = String(request.headers['content-type'] ?? '');
  // A body the page's parsers do not read (the form is sent url-encoded, as a browser does) is an unsupported media type.
  if (request.body !== undefined && !/^application\/(?:x-www-form-urlencoded|json)\s*(?:;|$)/i.test(type)) {
    return html(reply, 415, detailsMessage('Cashbook', 'This page only reads its own form. Go back to the form and submit it again.'));
  }
  return html(reply, status, detailsMessage('Cashbook', 'The form could not be read. Go back to the form and submit it again.'));
}

// A wildcard, not `:token`: the router answers a parameter over its length limit itself, with the API's JSON 404 (wire/http-errors.ts), where the page says the link is not valid.
const PAGE_URL = `${REFUND_DETAILS_PATH}/*`;
const tokenOf = (request: FastifyRequest): string => (request.params as { '*': string })['*'];

/** What a link that does not show the form says, by the refund's state: [GET status, POST status, message]. */
const REFUSALS: Record<NonNullable<ReturnType<typeof linkRefusal>>['state'], [get: number, post: number, message: string]> = {
  pending: [200, 409, 'We have your bank details: the refund is on its way.'],
  succeeded: [200, 409, 'This refund has been paid to your bank account.'],
  gone: [404, 404, GONE],
  expired: [404, 404, 'This link has expired. If you are still waiting for a refund, ask the merchant for a new link.'],
  used: [404, 404, 'This link has already been used. If the merchant still needs your bank details, ask them for a new link.'],
};

export function refundDetailsRoutes(app: FastifyInstance, deps: AppDeps): void {
  addWriteRoute(app, deps, {
    method: 'POST',
    url: '/cashbook/v1/refunds/:refund/bank_details_link',
    params: paramsObject({}),
    handler: async ({ ctx, tx, path }) => createRefundLink(tx, ctx, path.refund),
  });

  app.get(PAGE_URL, { errorHandler: pageError }, async (request, reply) => {
    const token = tokenOf(request);
    const page = await deps.store.read(async (tx) => {
      const opened = await openRefundLink(tx, token, deps.clock);
      if (!opened) return { status: 404, body: detailsMessage('Cashbook', GONE) };
      const merchant = (await loadAccount(tx, opened.link.account_id)).settings.business_name;
      const refusal = linkRefusal(opened);
      if (refusal) return { status: REFUSALS[refusal.state][0], body: detailsMessage(merchant, REFUSALS[refusal.state][2]) };
      const type = PAYOUT_TYPE[opened.refund.currency]!;
      return { status: 200, body: detailsForm({ merchant, amount: opened.refund.amount, currency: opened.refund.currency, type }) };
    });
    return html(reply, page.status, page.body);
  });

  app.post(PAGE_URL, { errorHandler: pageError }, async (request, reply) => {
    const token = tokenOf(request);
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(raw).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
    const page = await deps.store.write(async (tx) => {
      const opened = await openRefundLink(tx, token, deps.clock, true);
      if (!opened) return { status: 404, body: detailsMessage('Cashbook', GONE) };
      const { link, refund } = opened;
      const merchant = (await loadAccount(tx, link.account_id)).settings.business_name;
      const refusal = linkRefusal(opened);
      if (refusal) return { status: REFUSALS[refusal.state][1], body: detailsMessage(merchant, REFUSALS[refusal.state][2]) };
      const parsed = parsePayoutAccount(refund.currency, fields);
      if (!parsed.ok) {
        const type = PAYOUT_TYPE[refund.currency]!;
        // The form again, with the mistake marked: a page the customer works on, not a failed request.
        return { status: 200, body: detailsForm({ merchant, amount: refund.amount, currency: refund.currency, type, values: fields, error: parsed }) };
      }
      const ctx = systemContext(link.account_id, link.livemode, deps.clock, deps.ids);
      try {
        // In test mode Stripe's test accounts settle or bounce at once, as the test helper does.
        if (!link.livemode && testBankAccountOutcome(testAccount(parsed.account)) !== null) await submitBankDetails(tx, ctx, refund.id, testAccount(parsed.account));
        else await acceptBankDetails(tx, ctx, refund.id, parsed.account);
      } catch (error) {
        if (error instanceof ApiError) return { status: 409, body: detailsMessage(merchant, error.message) };
        throw error;
      }
      await markLinkUsed(tx, opened);
      return { status: 200, body: detailsMessage(merchant, 'Thank you. Your refund will be sent to this account; banks usually take one to three business days.') };
    });
    return html(reply, page.status, page.body);
  });
}

function testAccount(account: PayoutAccount): Record<string, string> {
  const { type: _type, account_holder_name: _name, ...numbers } = account;
  return numbers;
}
