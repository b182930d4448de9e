// The customer's public pages answer in HTML whatever goes wrong before their handler runs: a
// refund page request whose body is over the limit (413), not a form (415), a form or query
// the parser refuses (400), and a token longer than the router's parameter limit on the
// refund page and the hosted instructions page (404, the page's "not valid"), never the API's
// JSON. None of them changes the refund or spends the link.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent, newCustomer } from './payments-helpers.ts';

const FORM = 'application/x-www-form-urlencoded';
const GOOD = 'account_holder_name=Jenny+Rosen&iban=GB82WEST12345698765432'; // no Stripe test account: waits in pending

async function page(url: string, init?: RequestInit): Promise<{ status: number; type: string; csp: string; html: string }> {
  const reply = await fetch(url, init);
  return { status: reply.status, type: reply.headers.get('content-type') ?? '', csp: reply.headers.get('content-security-policy') ?? '', html: await reply.text() };
}

const post = (body: string, type: string): RequestInit => ({ method: 'POST', headers: { 'content-type': type }, body });

describeEachStore('public pages answer in HTML before their handler runs', (server) => {
  it('the refund page: a body over the limit is a 413, one that is not a form a 415, a refused form or query a 400, each its HTML page; the link still works', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ email: 'pages@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    await fund(stripe, customer.id, 1_000, 'eur');
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 1_000 });
    const { url } = (await s.request('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`)).body as { url: string };
    const cases: [label: string, reply: Promise<Awaited<ReturnType<typeof page>>>, status: number, shown: RegExp][] = [
      ['a form over the body limit', page(url, post(`account_holder_name=${'A'.repeat(2_000_000)}&iban=DE89370400440532013000`, FORM)), 413, /too large for this form/],
      ['__proto__ in a form', page(url, post('__proto__[x]=1&account_holder_name=Pro+To&iban=DE89370400440532013000', FORM)), 400, /The form could not be read/],
      ['__proto__ in JSON', page(url, post('{"__proto__":{"x":1},"account_holder_name":"Pro To"}', 'application/json')), 400, /The form could not be read/],
      ['a malformed name', page(url, post('account_holder_name]=x', FORM)), 400, /The form could not be read/],
      ['text/plain', page(url, post('hello', 'text/plain')), 415, /only reads its own form/],
      ['multipart', page(url, post('--b\r\nContent-Disposition: form-data; name="account_holder_name"\r\n\r\nMulti Part\r\n--b--\r\n', 'multipart/form-data; boundary=b')), 415, /only reads its own form/],
      ['a malformed query on GET', page(`${url}?a]=1`), 400, /The form could not be read/],
      ['a token over the router limit (GET)', page(`${s.url}/refund_details/${'a'.repeat(5_000)}`), 404, /This link is no longer valid/],
      ['a token over the router limit (POST)', page(`${s.url}/refund_details/test_${'a'.repeat(1_100)}`, post(GOOD, FORM)), 404, /This link is no longer valid/],
      ['a token with a slash', page(`${url}/x`), 404, /This link is no longer valid/],
    ];
    for (const [label, pending, status, shown] of cases) {
      const reply = await pending;
      assert.deepEqual([reply.status, reply.type], [status, 'text/html; charset=utf-8'], `${label}: ${reply.html.slice(0, 200)}`);
      assert.match(reply.html, /^<!doctype html>/, label);
      assert.match(reply.html, shown, label);
      assert.match(reply.csp, /^default-src 'none'/, `${label}: the page's own headers`);
    }
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'requires_action', 'nothing changed');
    const form = await page(url);
    assert.deepEqual([form.status, /<form method="post">/.test(form.html)], [200, true], 'the link is not spent');
    assert.equal((await page(url, post(GOOD, FORM))).status, 200);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'pending');
  });

  it('the hosted instructions page: a token over the router limit is its HTML not-found page, as an unknown one', async () => {
    const s = server();
    const customer = await newCustomer(s.stripe);
    const pi = await intent(s.stripe, customer.id, 1_000);
    const hosted = pi.next_action!.display_bank_transfer_instructions!.hosted_instructions_url!;
    assert.equal((await page(hosted)).status, 200);
    for (const token of ['a'.repeat(5_000), `test_${'x'.repeat(1_100)}`, 'test_x/y']) {
      const reply = await page(`${s.url}/bank_transfers/instructions/${token}`);
      assert.deepEqual([reply.status, reply.type], [404, 'text/html; charset=utf-8'], reply.html.slice(0, 200));
      assert.match(reply.html, /These bank transfer instructions do not exist/);
      assert.match(reply.csp, /^default-src 'none'/);
    }
  });
});
