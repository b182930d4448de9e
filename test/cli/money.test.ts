// The merchant's bank routine through the built command, against a running server:
// `import-statement` (a summary per file, a file imported twice funds once, a bad file named
// on stderr and nothing booked from it), `merchant-account set|list` and `payment-file`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { sdk, tempDir } from '../support/server.ts';
import { freePort } from '../support/process.ts';
import { assertOneLineError, cashbook, startCliServer, type CliServer } from './binary.ts';

function mt940(account: string, credits: { cents: number; ref: string; remittance: string }[]): string {
  const amount = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
  const total = credits.reduce((sum, c) => sum + c.cents, 0);
  return [
    ':20:CLI-STATEMENT', `:25:${account}`, ':28C:00001/001', ':60F:C261201EUR0,00',
    ...credits.flatMap((c) => [`:61:2612011201C${amount(c.cents)}NTRFNONREF//${c.ref}`, `:86:${c.remittance}`]),
    `:62F:C261201EUR${amount(total)}`, '-',
  ].join('\r\n');
}

describe('cashbook import-statement, merchant-account, payment-file [sqlite]', () => {
  let dir: string;
  let server: CliServer;
  let stripe: Stripe;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = tempDir('cashbook-money-');
    server = await startCliServer(path.join(dir, 'cashbook.db'));
    stripe = sdk(server.url, server.createdKey!);
    env = { CASHBOOK_API_KEY: server.createdKey!, CASHBOOK_PORT: new URL(server.url).port };
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports statement files with a summary line each, funding once', async () => {
    const customer = await stripe.customers.create({ email: 'cli@example.com' });
    const instructions = await stripe.customers.createFundingInstructions(customer.id, { bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } }, currency: 'eur', funding_type: 'bank_transfer' });
    const iban = instructions.bank_transfer.financial_addresses[0].iban!.iban;
    const first = path.join(dir, 'day1.sta');
    fs.writeFileSync(first, mt940(iban, [{ cents: 12_550, ref: 'BANK-1', remittance: 'ORDER 1' }, { cents: 4_000, ref: 'BANK-2', remittance: 'ORDER 2' }]));
    const again = path.join(dir, 'day1-again.sta');
    fs.copyFileSync(first, again);
    const broken = path.join(dir, 'broken.sta');
    fs.writeFileSync(broken, 'this is not a bank statement\n');

    const result = await cashbook(['import-statement', first, again, broken, path.join(dir, 'missing.sta')], { env });
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2, result.stdout);
    assert.match(lines[0], new RegExp(`^${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: bstmt_\\w+ mt940 CLI-STATEMENT, 2 lines: 2 funded \\(165\\.50 EUR\\)$`));
    assert.match(lines[1], /day1-again\.sta: bstmt_\w+ mt940 CLI-STATEMENT, 2 lines: 2 duplicate \(165\.50 EUR\)$/);
    const errors = result.stderr.trim().split('\n');
    assert.equal(errors.length, 2, result.stderr);
    assert.match(errors[0], /^cashbook: .*broken\.sta: 400: .*\(nothing booked from it\)$/);
    assert.match(errors[1], /^cashbook: .*missing\.sta: no such file$/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    const balance = await stripe.customers.retrieveCashBalance(customer.id);
    assert.equal(balance.available?.eur, 16_550, 'funded once, by the first file');

    const json = await cashbook(['import-statement', '--json', first], { env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as { lines: { status: string }[] }).lines.map((l) => l.status), ['duplicate', 'duplicate']);
  });

  it('sets the merchant account and writes the payment file for the bank', async () => {
    const badIban = await cashbook(['merchant-account', 'set', '--currency', 'eur', '--name', 'Shop BV', '--iban', 'NL00NOPE0000000000', '--bic', 'ABNANL2A'], { env });
    assertOneLineError(badIban, /^cashbook: 400: .*\(iban\)$/, 'a bad IBAN');
    const set = await cashbook(['merchant-account', 'set', '--currency', 'eur', '--name', 'Shop BV', '--iban', 'NL91ABNA0417164300', '--bic', 'ABNANL2A'], { env });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /EUR payouts debit NL91ABNA0417164300 \(Shop BV\)/);
    const listed = await cashbook(['merchant-account', 'list'], { env });
    assert.match(listed.stdout, /^EUR\s+NL91ABNA0417164300 ABNANL2A\s+Shop BV$/m);

    // Live mode, as a merchant runs it: the money comes in by statement, goes back by a return
    // with the customer's bank details, leaves in the payment file, and the bank's debit settles it.
    const made = await cashbook(['keys', 'create', '--live', '--database-url', path.join(dir, 'cashbook.db')]);
    assert.equal(made.code, 0, made.stderr);
    const liveKey = made.stdout.trim();
    const live = sdk(server.url, liveKey);
    const liveEnv = { ...env, CASHBOOK_API_KEY: liveKey };
    const liveSet = await cashbook(['merchant-account', 'set', '--currency', 'eur', '--name', 'Shop BV', '--iban', 'NL91ABNA0417164300', '--bic', 'ABNANL2A'], { env: liveEnv });
    assert.equal(liveSet.code, 0, liveSet.stderr);
    const customer = await live.customers.create({ email: 'back@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const fund = () => live.customers.createFundingInstructions(customer.id, { bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } }, currency: 'eur', funding_type: 'bank_transfer' });
    // No virtual account before the bank's range is set: a bank credits only numbers it issued.
    await assert.rejects(fund(), (error: Stripe.errors.StripeError) => error.statusCode === 400 && error.code === 'payment_method_unactivated' && /virtual_account_ranges/.test(error.message));
    assert.match((await cashbook(['virtual-account-range', 'list'], { env: liveEnv })).stdout, /^no range yet/);
    const range = await cashbook(['virtual-account-range', 'set', '--type', 'eu_bank_transfer', '--country', 'NL', '--bank-name', 'ABN AMRO Bank N.V.', '--bic', 'ABNANL2AXXX', '--prefix', 'ABNA 04'], { env: liveEnv });
    assert.equal(range.code, 0, range.stderr);
    assert.match(range.stdout, /^vbr_eu_nl: new eu_bank_transfer virtual accounts are issued in NL {2}eu_bank_transfer {2}ABNA04… {2}ABNANL2AXXX {2}ABN AMRO Bank N\.V\.$/m);
    assert.match((await cashbook(['virtual-account-range', 'list'], { env: liveEnv })).stdout, /^NL {2}eu_bank_transfer {2}ABNA04…/m);
    assertOneLineError(await cashbook(['virtual-account-range', 'set', '--type', 'eu_bank_transfer', '--country', 'NL', '--bank-name', 'X Bank', '--bic', 'ABNANL2A', '--prefix', '1234'], { env: liveEnv }), /^cashbook: 400: prefix must be .*\(prefix\)$/, 'a prefix without the bank code');
    const instructions = await fund();
    assert.match(instructions.bank_transfer.financial_addresses[0].iban!.iban, /^NL\d\dABNA04\d{8}$/);
    assert.equal(instructions.bank_transfer.financial_addresses[0].iban!.bic, 'ABNANL2AXXX');
    const statement = path.join(dir, 'live-in.sta');
    fs.writeFileSync(statement, mt940(instructions.bank_transfer.financial_addresses[0].iban!.iban, [{ cents: 3_000, ref: 'LIVE-IN-1', remittance: 'TOP UP' }]));
    const imported = await cashbook(['import-statement', statement], { env: liveEnv });
    assert.match(imported.stdout, /1 line: 1 funded \(30\.00 EUR\)/, imported.stderr);
    const refund = await live.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 1_200, instructions_email: 'back@example.com' } as Stripe.RefundCreateParams);
    assert.equal(refund.status, 'requires_action');
    // The customer's bank details, typed on the page the merchant's link opens.
    const link = await fetch(`${server.url}/cashbook/v1/refunds/${refund.id}/bank_details_link`, { method: 'POST', headers: { authorization: `Bearer ${liveKey}` } });
    const { url } = (await link.json()) as { url: string };
    const typed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'account_holder_name=Ada+Lovelace&iban=DE89370400440532013000' });
    assert.equal(typed.status, 200, await typed.text());
    assert.equal((await live.refunds.retrieve(refund.id)).status, 'pending');
    const out = path.join(dir, 'payouts.xml');
    const file = await cashbook(['payment-file', 'eur', '--out', out], { env: liveEnv });
    assert.equal(file.code, 0, file.stderr);
    assert.match(file.stdout, /^otf_\w+: 1 payment, 12\.00 EUR, pain\.001\.001\.09, written to .*payouts\.xml$/m);
    const xml = fs.readFileSync(out, 'utf8');
    assert.match(xml, new RegExp(`<EndToEndId>${refund.id.replace('_', '-')}</EndToEndId>`));
    assert.match(xml, /<IBAN>DE89370400440532013000<\/IBAN>/);
    // The bank's statement of the next day shows the payment: the return has succeeded.
    const out1 = path.join(dir, 'live-out.sta');
    fs.writeFileSync(out1, [':20:CLI-OUT', ':25:NL91ABNA0417164300', ':28C:2/1', ':60F:C261202EUR100,00', `:61:2612021202D12,00NTRF${refund.id}//BANK-OUT-1`, ':86:RETURN', ':62F:C261202EUR88,00', '-'].join('\r\n'));
    const settled = await cashbook(['import-statement', out1], { env: liveEnv });
    assert.match(settled.stdout, /1 line: 1 settled \(12\.00 EUR\)/, settled.stdout + settled.stderr);
    assert.equal((await live.refunds.retrieve(refund.id)).status, 'succeeded');
    assert.equal((await live.customers.retrieveCashBalance(customer.id)).available?.eur, 1_800);
    // Nothing left to pay: refused by the API, said in one line, no file written.
    const none = path.join(dir, 'none.xml');
    assertOneLineError(await cashbook(['payment-file', 'eur', '--out', none], { env: liveEnv }), /^cashbook: 400: No pending EUR refund.*\(currency\)$/, 'nothing to pay');
    assert.equal(fs.existsSync(none), false);
  });

  it('ends each mistake in one plain line', async () => {
    const nobody = await freePort();
    assertOneLineError(await cashbook(['import-statement', 'x.sta']), /import-statement needs a secret key/, 'no key');
    const file = path.join(dir, 'one.sta');
    fs.writeFileSync(file, mt940('NL91ABNA0417164300', [{ cents: 100, ref: 'X', remittance: 'X' }]));
    assertOneLineError(await cashbook(['import-statement', file, '--api-base', `http://127.0.0.1:${nobody}`], { env: { CASHBOOK_API_KEY: 'sk_test_abcdefgh' } }), /cannot reach the Cashbook API .*connection refused/, 'no server');
    assertOneLineError(await cashbook(['import-statement'], { env }), /missing required argument/, 'no file');
    assertOneLineError(await cashbook(['merchant-account', 'set', '--name', 'X'], { env }), /--currency.*not specified/, 'no currency');
    assertOneLineError(await cashbook(['payment-file', 'chf'], { env }), /Allowed choices are eur, gbp, usd/, 'a currency with no file format');
    assertOneLineError(await cashbook(['payment-file', 'eur', '--out', path.join(dir, 'no', 'x.xml')], { env }), /folder .* does not exist/, 'an out folder that does not exist');
    assertOneLineError(await cashbook(['merchant-account', 'list'], { env: { ...env, CASHBOOK_API_KEY: 'sk_test_wrongwrongwrong' } }), /401: Invalid API Key/, 'a key the server refuses');
  });
});
