// What a statement file may hold, through the public API: a currency is an ISO 4217 code (else
// the file is refused whole, never a 500); the texts read from it are cut to what Cashbook
// keeps (a reference and a sender's name 140 characters, references 35) in the line, the
// unmatched transfer, the funding and its event, while an entry's identity stays that of the
// texts as read; and a refusal quotes at most a little of the file.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { parseStatement } from '../../src/core/bank-files/detect.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { importStatement } from '../../src/resources/bank-statements/service.ts';
import { systemContext } from '../../src/wire/context.ts';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf } from './payments-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt } from './camt-fixture.ts';

async function importFile(server: TestServer, body: string): Promise<{ status: number; body: Statement }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'text/plain' }, body });
  return { status: reply.status, body: (await reply.json()) as Statement };
}

const MASTER = 'NL91ABNA0417164300';
const SENDER = 'DE89370400440532013000';

/** How many statements and unmatched transfers the account holds (at most 100 each in these tests). */
async function counts(s: TestServer): Promise<[number, number]> {
  const statements = (await s.request('GET', '/cashbook/v1/bank_statements?limit=100')).body as { data: unknown[] };
  const transfers = (await s.request('GET', '/cashbook/v1/unmatched_transfers?limit=100')).body as { data: unknown[] };
  return [statements.data.length, transfers.data.length];
}

const bai2 = (account: string, groupCurrency: string, accountCurrency: string, record16: string, amount = 1500) => [
  '01,CASHBANK,CASHBOOK,261202,0800,1,,,2/', `02,CASHBOOK,CASHBANK,1,261202,0800,${groupCurrency},2/`, `03,${account},${accountCurrency},010,0,,/`,
  record16, `49,${amount},3/`, `98,${amount},1,5/`, `99,${amount},1,7/`].join('\n');

const mt940 = (account: string, currency: string, line61: string, info: string, amount = '1,00') =>
  [':20:IN-1', `:25:${account}`, ':28C:1/1', `:60F:C261202${currency}0,00`, line61, `:86:${info}`, `:62F:C261202${currency}${amount}`, '-'].join('\n');

/** The bank transfer of a funding, as the API and its event give it. */
type BankTransfer = { reference: string | null; eu_bank_transfer?: { sender_name: string | null }; us_bank_transfer?: { sender_name: string | null } };

async function fundedTransfer(stripe: Stripe, customer: string, id: string): Promise<BankTransfer> {
  const entry = await stripe.customers.retrieveCashBalanceTransaction(customer, id);
  const events = await stripe.events.list({ type: 'customer_cash_balance_transaction.created', limit: 100 });
  const event = events.data.find((e) => (e.data.object as { id: string }).id === id);
  assert.ok(event, 'the funding has its event');
  assert.deepEqual((event.data.object as Stripe.CustomerCashBalanceTransaction).funded?.bank_transfer, entry.funded?.bank_transfer, 'the event holds what the API gives');
  return entry.funded!.bank_transfer as unknown as BankTransfer;
}

describeEachStore('bank statement input', (server) => {
  it('a currency that is not an ISO 4217 code (camt Ccy, BAI2 02 or 03, MT940 :60F:) refuses the file with a 400 naming where, never a 500; ISO codes Cashbook cannot hold are still kept', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const eur = await virtualAccount(s.stripe, customer.id, 'eur');
    const usd = await virtualAccount(s.stripe, customer.id, 'usd');
    const before = await counts(s);
    const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'EU', 'EURO', 'ABC', 'usd&lt;script&gt;', ' '];
    for (const code of odd) {
      const file = camt('053', '08', MASTER, [{ amount: '1.00', currency: code, creditorAccount: eur.account, ref: `CCY-${code}`, debtorIban: SENDER }]);
      const reply = await importFile(s, file);
      assert.equal(reply.status, 400, `camt Ccy="${code}": ${JSON.stringify(reply.body)}`);
      assert.deepEqual([reply.body.error!.type, reply.body.error!.param], ['invalid_request_error', 'file']);
      assert.match(reply.body.error!.message, code === ' ' ? /entry 1: Amt with its Ccy is required/ : /entry 1: ".*" is not an ISO 4217 currency code/, code);
    }
    for (const code of ['__proto__', 'constructor', 'CONSTRUCTOR', 'toString', 'usd<script>', 'EU']) {
      for (const [group, own, record] of [[code, '', 2], ['USD', code, 3]] as const) {
        const reply = await importFile(s, bai2(usd.account, group, own, '16,165,1500,Z,BR-CCY,CR1,ORIG CO NAME:ACME/'));
        assert.equal(reply.status, 400, `BAI2 ${record}: ${code}`);
        assert.equal(reply.body.error!.param, 'file');
        assert.match(reply.body.error!.message, new RegExp(`BAI2 record ${record} \\(the 0${record} (group|account)'s currency\\): ".*" is not an ISO 4217 currency code`));
      }
    }
    const unknown = await importFile(s, mt940(eur.account, 'ABC', ':61:2612021202C1,00NTRFNONREF//MT-CCY', '?20SVWZ+x'));
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error!.message, /MT940 statement 1 :60F:: "ABC" is not an ISO 4217 currency code/);
    assert.deepEqual(await counts(s), before, 'no statement stored, no transfer kept');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 0);

    // ISO codes: lower case as some files write them, and currencies Cashbook cannot hold, kept with their reason.
    const kept = await importFile(s, camt('053', '08', MASTER, [
      { amount: '1.00', currency: 'eur', creditorAccount: eur.account, ref: 'CCY-LOWER', debtorIban: SENDER },
      { amount: '1.005', currency: 'KWD', creditorAccount: eur.account, ref: 'CCY-KWD', debtorIban: SENDER },
      { amount: '1.00', currency: 'XXX', creditorAccount: eur.account, ref: 'CCY-XXX', debtorIban: SENDER },
    ]));
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.deepEqual(kept.body.lines.map((l) => [l.status, l.amount, l.currency]), [['funded', 100, 'eur'], ['unmatched', 1_005, 'kwd'], ['unmatched', 100, 'xxx']]);
    assert.match(kept.body.lines[1].reason!, /takes EUR, not KWD/);
    const lower = await importFile(s, bai2(usd.account, 'usd', 'usd', '16,165,1500,Z,BR-LOWER,CR1,ORIG CO NAME:ACME/'));
    assert.deepEqual(lower.body.lines.map((l) => [l.status, l.currency]), [['funded', 'usd']]);
  });

  it('texts read from a statement are cut to what Cashbook keeps: camt Nm and Ustrd (joined too) 140 characters, references 35; MT940 :86:; BAI2 text', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const eur = await virtualAccount(s.stripe, customer.id, 'eur');
    const usd = await virtualAccount(s.stripe, customer.id, 'usd');
    const long = (c: string, n = 200_000) => c.repeat(n);
    const file = camt('053', '08', MASTER, [
      { amount: '1.00', currency: 'EUR', creditorAccount: eur.account, ref: `REF-${long('R')}`, endToEndId: `E2E-${long('E')}`, debtorName: long('N'), debtorIban: SENDER, remittance: long('U') },
      { amount: '2.00', currency: 'EUR', creditorAccount: MASTER, ref: 'CUT-2', debtorName: 'Ann', debtorIban: SENDER, remittance: `${'a'.repeat(100)}</Ustrd><Ustrd>${'b'.repeat(100)}</Ustrd><Ustrd>${'c'.repeat(100)}` },
    ]);
    const imported = await importFile(s, file);
    assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 500));
    assert.deepEqual(imported.body.lines.map((l) => l.status), ['funded', 'unmatched']);
    assert.equal(imported.body.lines[0].bank_reference, `REF-${'R'.repeat(31)}`, 'AcctSvcrRef is Max35Text');
    const funded = await fundedTransfer(s.stripe, customer.id, imported.body.lines[0].cash_balance_transaction!);
    assert.equal(funded.reference, 'U'.repeat(140));
    assert.equal(funded.eu_bank_transfer!.sender_name, 'N'.repeat(140));
    const transfer = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${imported.body.lines[1].unmatched_transfer}`)).body as { reference: string };
    assert.equal(transfer.reference, `${'a'.repeat(100)} ${'b'.repeat(39)}`, 'several Ustrd joined are 140 characters at most');
    assert.deepEqual((await importFile(s, file)).body.lines.map((l) => l.status), ['duplicate', 'duplicate'], 'a re-import finds both');

    const info = `?20SVWZ+${long('Z', 1_000)}?32${long('M', 100)}`;
    const fromMt940 = await importFile(s, mt940(eur.account, 'EUR', `:61:2612021202C1,00NTRF${long('C', 100)}//${long('B', 1_000)}`, info));
    assert.equal(fromMt940.status, 200, JSON.stringify(fromMt940.body).slice(0, 500));
    assert.equal(fromMt940.body.lines[0].bank_reference, 'B'.repeat(35));
    const fromMt940Funded = await fundedTransfer(s.stripe, customer.id, fromMt940.body.lines[0].cash_balance_transaction!);
    assert.equal(fromMt940Funded.reference, 'Z'.repeat(140));

    const text = `ORIG CO NAME:${long('O', 300)} ${long('T', 100_000)}`;
    const fromBai2 = await importFile(s, bai2(usd.account, 'USD', 'USD', `16,165,1500,Z,${long('B', 1_000)},,${text}/`));
    assert.equal(fromBai2.status, 200, JSON.stringify(fromBai2.body).slice(0, 500));
    const fromBai2Funded = await fundedTransfer(s.stripe, customer.id, fromBai2.body.lines[0].cash_balance_transaction!);
    assert.equal(fromBai2Funded.reference, text.slice(0, 140));
    assert.equal(fromBai2Funded.us_bank_transfer!.sender_name, 'O'.repeat(140));
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 200);
    assert.equal(await balanceOf(s.stripe, customer.id, 'usd'), 1_500);
  });

  it('an entry without a bank reference keeps the identity of its texts as read: imported before the cut it is a duplicate, and two that differ past the cut are two', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const free = (tail: string) => `Payment for the order of the first of December, ${'with a long explanation of what it is for, '.repeat(6)}${tail}`;
    const file = (tail: string) => mt940(account, 'EUR', ':61:2612031203C5,00NTRFNONREF', free(tail), '5,00');
    // As imports before the cut read it: the whole free :86: text as the reference.
    const parsed = parseStatement(file('one'));
    assert.ok(parsed.lines[0].uncut, 'the reference was cut');
    const asBefore = { ...parsed, lines: parsed.lines.map(({ uncut, ...line }) => ({ ...line, reference: uncut!.reference })) };
    const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
    const old = await s.store.write((tx) => importStatement(tx, ctx, asBefore));
    assert.deepEqual(old.lines.map((l) => l.status), ['funded']);
    assert.deepEqual((await importFile(s, file('one'))).body.lines.map((l) => l.status), ['duplicate'], 'not booked a second time');
    assert.deepEqual((await importFile(s, file('two'))).body.lines.map((l) => l.status), ['funded'], 'another payment, though its first 140 characters are the same');

    // ING's structured :86: with a long remittance, imported before 2026-12-05 (then read as free text): still a duplicate.
    const ing = mt940(account, 'EUR', ':61:2612041204C7,00NTRFNONREF', `/EREF/ING-LONG//CNTP/${SENDER}/INGBNL2A/Jan Jansen/AMSTERDAM//REMI/USTD//${'Rent and service charges, '.repeat(8)}/`, '7,00');
    const ingParsed = parseStatement(ing);
    assert.ok(ingParsed.lines[0].uncut && ingParsed.lines[0].formerDetails);
    const ingBefore = {
      ...ingParsed,
      lines: ingParsed.lines.map(({ formerDetails, uncut, ...line }) => ({ ...line, reference: formerDetails!.reference, endToEndId: formerDetails!.endToEndId, sender: { ...line.sender, name: formerDetails!.name, account: formerDetails!.account } })),
    };
    assert.deepEqual((await s.store.write((tx) => importStatement(tx, ctx, ingBefore))).lines.map((l) => l.status), ['funded']);
    assert.deepEqual((await importFile(s, ing)).body.lines.map((l) => l.status), ['duplicate'], 'not booked a second time');

    // camt with no AcctSvcrRef, a 200-character Nm and a 300-character Ustrd: before the cut its identity hashed them whole
    // (the texts as the test wrote them, not as the parser reports them, so a cut inside the parser cannot hide).
    const name = `Sender ${'n'.repeat(193)}`;
    const remittance = `Invoice ${'r'.repeat(292)}`;
    const camtFile = camt('053', '08', account, [{ amount: '3.00', currency: 'EUR', creditorAccount: account, debtorName: name, debtorIban: SENDER, endToEndId: 'LONG-E2E', remittance }]).replace(/<AcctSvcrRef>[^<]*<\/AcctSvcrRef>/g, '');
    const camtParsed = parseStatement(camtFile);
    assert.equal(camtParsed.lines[0].uniqueReference ?? null, null, 'no bank reference: the texts are the identity');
    const camtBefore = { ...camtParsed, lines: camtParsed.lines.map(({ uncut, ...line }) => ({ ...line, reference: remittance, sender: { ...line.sender, name } })) };
    assert.deepEqual((await s.store.write((tx) => importStatement(tx, ctx, camtBefore))).lines.map((l) => l.status), ['funded']);
    assert.deepEqual((await importFile(s, camtFile)).body.lines.map((l) => l.status), ['duplicate'], 'a camt imported before the cut is not booked a second time');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 2_000);
  });

  it('a refusal quotes at most a little of the file: an unclosed XML nesting, a huge :61: line, amount, type code or account', async () => {
    const s = server();
    const before = await counts(s);
    const huge = '1'.repeat(1_000_000);
    const files: [string, RegExp][] = [
      ['<?xml version="1.0"?>' + '<a>'.repeat(200_000), /not well-formed XML/],
      [`<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">${'9'.repeat(5_000_000)}</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>`, /entry 1: "9{100}…" is not an amount/],
      [mt940(MASTER, 'EUR', `:61:2612021202C${huge},00NTRFNONREF//B1`, 'x'), /:61: line 1: "2612021202C1{89}…" is not a :61: statement line/],
      [mt940('A'.repeat(5_000_000), 'EUR', ':61:2612021202C1,00NTRFNONREF//B1', 'x'), /:25:: "A{100}…" is not an account number/],
      [bai2('123456', 'USD', 'USD', `16,${huge},1500,Z,B1,,TEXT/`), /BAI2 record 4: "1{100}…" is not a BAI2 type code/],
      [bai2('123456', 'USD', 'USD', `16,165,${huge},Z,B1,,TEXT/`), /BAI2 record 4: "1{100}…" is not a BAI2 amount/],
      [camt('053', '08', MASTER, [{ amount: '1.00', currency: 'EUR', creditorAccount: 'X'.repeat(1_000_000), ref: 'LONG-ACCOUNT' }]), /entry 1: "X{100}…" is not an account number/],
    ];
    for (const [file, message] of files) {
      const reply = await importFile(s, file);
      assert.equal(reply.status, 400, file.slice(0, 100));
      assert.equal(reply.body.error!.param, 'file');
      assert.ok(reply.body.error!.message.length <= 1_100, `a message of ${reply.body.error!.message.length} characters`);
      assert.match(reply.body.error!.message, message);
    }
    assert.deepEqual(await counts(s), before, 'nothing stored');
  });
});
