// Payment files for the merchant's bank: pending refunds and returns whose customers gave
// bank details on the refund page, and returned unmatched transfers (paid to the sender's
// account from the statement), go into one pain.001.001.09 (EUR, GBP) or NACHA (USD)
// file, each once, concurrent requests included. The XML is checked field by field, its
// element order against the schema's sequences, and the whole file against ISO 20022's
// pain.001.001.09 XSD (test/fixtures/xsd/, validated with xmllint-wasm). NACHA files of one
// day get the modifiers A, B, … and settle on the next business day.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { createAccount } from '../../src/resources/accounts/service.ts';
import { isAchBankingDay, nextAchBankingDay } from '../../src/core/payment-files/business-days.ts';
import { assertValidPain001, pain001SchemaErrors } from '../support/pain001-schema.ts';
import { sdk, startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent } from './payments-helpers.ts';
import { assertBooks } from './refund-helpers.ts';
import { camt } from './camt-fixture.ts';

interface FileObject {
  id: string;
  object: string;
  currency: string;
  format: string;
  count: number;
  amount: number;
  refunds: string[];
  unmatched_transfers: string[];
  error?: { param?: string; message: string };
}

async function pendingWithDetails(server: TestServer, refund: Stripe.Refund, details: Record<string, string>): Promise<void> {
  const link = (await server.request('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`)).body as { url: string };
  const reply = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(details).toString() });
  assert.equal(reply.status, 200, await reply.text());
  assert.equal((await server.stripe.refunds.retrieve(refund.id)).status, 'pending');
}

async function returnOf(stripe: Stripe, currency: string, amount: number): Promise<Stripe.Refund> {
  const customer = await stripe.customers.create({ email: 'out@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
  await fund(stripe, customer.id, amount + 100, currency);
  return stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency, amount });
}

/** The element names directly inside the first `<parent>` of `xml`, in order. */
function childNames(xml: string, parent: string): string[] {
  const start = xml.indexOf(`<${parent}>`);
  assert.ok(start >= 0, `${parent} present`);
  const names: string[] = [];
  let depth = 0;
  for (const match of xml.slice(start + parent.length + 2).matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (closing) {
      if (depth === 0) break;
      depth--;
    } else {
      if (depth === 0) names.push(name);
      if (!selfClosing) depth++;
    }
  }
  return names;
}

const text = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);

describeEachStore('payment files for the merchant bank', (server, store) => {
  it('refuses a file before the merchant account is set, and a bad merchant account', async () => {
    const s = server();
    const file = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=gbp' });
    assert.deepEqual([file.status, (file.body as FileObject).error?.param], [400, 'currency']);
    const bad = await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=eur&account_holder_name=Shop&iban=DE89370400440532013001&bic=COBADEFFXXX' });
    assert.deepEqual([bad.status, (bad.body as FileObject).error?.param], [400, 'iban']);
    const badUs = await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=usd&account_holder_name=Shop&routing_number=021000022&account_number=12345' });
    assert.deepEqual([badUs.status, (badUs.body as FileObject).error?.param], [400, 'routing_number']);
  });

  it('EUR: a pain.001.001.09 file pays every pending return and refund with details, once, field by field', async () => {
    const s = server();
    const { stripe } = s;
    const account = await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=eur&account_holder_name=Cashbook Shop GmbH&iban=DE89 3704 0044 0532 0130 00&bic=COBADEFFXXX' });
    assert.equal(account.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Posting again replaces it; the answer is what is stored, its first `created` kept.
    const replaced = await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=eur&account_holder_name=Cashbook Shop GmbH&iban=DE89 3704 0044 0532 0130 00&bic=COBADEFFXXX' });
    assert.deepEqual(replaced.body, account.body);
    assert.deepEqual((await s.request('GET', '/cashbook/v1/merchant_bank_accounts')).body.data.find((a: { currency: string }) => a.currency === 'eur'), account.body);
    const first = await returnOf(stripe, 'eur', 1_250);
    const second = await returnOf(stripe, 'eur', 99);
    const customer = await stripe.customers.create({ email: 'pay@example.com' });
    await fund(stripe, customer.id, 4_000, 'eur');
    const paid = await intent(stripe, customer.id, 4_000, { currency: 'eur' });
    const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 2_500 });
    const waiting = await returnOf(stripe, 'eur', 10); // no details yet: not in the file
    await pendingWithDetails(s, first, { account_holder_name: 'Jenny Rosen-Straße', iban: 'GB82WEST12345698765432' });
    await pendingWithDetails(s, second, { account_holder_name: 'Zoë Ça-va & Co', iban: 'FR1420041010050500013M02606' });
    await pendingWithDetails(s, refund, { account_holder_name: 'Pay Customer', iban: 'NL91ABNA0417164300' });

    const created = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const file = created.body as FileObject;
    assert.match(file.id, /^otf_/);
    assert.deepEqual([file.object, file.currency, file.format, file.count, file.amount], ['outbound_transfer_file', 'eur', 'pain.001.001.09', 3, 1_250 + 99 + 2_500]);
    assert.deepEqual([...file.refunds].sort(), [first.id, second.id, refund.id].sort());
    assert.ok(!file.refunds.includes(waiting.id));
    assert.deepEqual((await s.request('GET', `/cashbook/v1/outbound_transfer_files/${file.id}`)).body, file);
    const listed = (await s.request('GET', '/cashbook/v1/outbound_transfer_files?limit=10')).body as { data: FileObject[] };
    assert.ok(listed.data.some((f) => f.id === file.id));

    const content = await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${file.id}/content`, { headers: { authorization: `Bearer ${s.key}` } });
    assert.equal(content.status, 200);
    assert.match(content.headers.get('content-type')!, /application\/xml/);
    const xml = await content.text();
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain\.001\.001\.09"/);
    // Sequences as the schema orders them (GroupHeader85, PaymentInstruction30, CreditTransferTransaction34).
    assert.deepEqual(childNames(xml, 'CstmrCdtTrfInitn'), ['GrpHdr', 'PmtInf']);
    assert.deepEqual(childNames(xml, 'GrpHdr'), ['MsgId', 'CreDtTm', 'NbOfTxs', 'CtrlSum', 'InitgPty']);
    assert.deepEqual(childNames(xml, 'PmtInf'), ['PmtInfId', 'PmtMtd', 'BtchBookg', 'NbOfTxs', 'CtrlSum', 'PmtTpInf', 'ReqdExctnDt', 'Dbtr', 'DbtrAcct', 'DbtrAgt', 'ChrgBr', 'CdtTrfTxInf', 'CdtTrfTxInf', 'CdtTrfTxInf']);
    assert.deepEqual(childNames(xml, 'CdtTrfTxInf'), ['PmtId', 'Amt', 'Cdtr', 'CdtrAcct', 'RmtInf']);
    // Ids in SEPA's character set (EPC: RestrictedIdentificationSEPA1), `-` for the `_` of Cashbook's ids.
    const sepa = (id: string) => id.replace('_', '-');
    assert.deepEqual(text(xml, 'MsgId'), [sepa(file.id)]);
    for (const tag of ['MsgId', 'PmtInfId', 'InstrId', 'EndToEndId']) for (const id of text(xml, tag)) assert.match(id, /^([A-Za-z0-9]|[+?/\-:().,' ]){1,35}$/, `${tag} ${id}`);
    assert.ok(text(xml, 'Ustrd').every((t) => /^[A-Za-z0-9/\-?:().,'+ ]+$/.test(t)), 'remittance in the SEPA set');
    assert.deepEqual(text(xml, 'NbOfTxs'), ['3', '3']);
    assert.deepEqual(text(xml, 'CtrlSum'), ['38.49', '38.49']);
    assert.match(text(xml, 'CreDtTm')[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(xml, /<ReqdExctnDt><Dt>\d{4}-\d\d-\d\d<\/Dt><\/ReqdExctnDt>/);
    assert.match(xml, /<PmtTpInf><SvcLvl><Cd>SEPA<\/Cd><\/SvcLvl><\/PmtTpInf>/);
    assert.deepEqual(text(xml, 'ChrgBr'), ['SLEV']);
    assert.deepEqual(text(xml, 'BICFI'), ['COBADEFFXXX']);
    assert.deepEqual(text(xml, 'IBAN')[0], 'DE89370400440532013000', 'the debtor is the merchant');
    const byId = new Map(text(xml, 'EndToEndId').map((id, i) => [id, { amount: text(xml, 'InstdAmt')[i], iban: text(xml, 'IBAN')[i + 1], name: text(xml, 'Nm')[i + 2] }]));
    assert.deepEqual(byId.get(sepa(first.id)), { amount: '12.50', iban: 'GB82WEST12345698765432', name: 'Jenny Rosen-Strasse' }, 'ß spelled out');
    assert.deepEqual(byId.get(sepa(second.id)), { amount: '0.99', iban: 'FR1420041010050500013M02606', name: 'Zoe Ca-va Co' }, 'names in the SEPA character set');
    assert.deepEqual(byId.get(sepa(refund.id)), { amount: '25.00', iban: 'NL91ABNA0417164300', name: 'Pay Customer' });
    assert.ok([...xml.matchAll(/<InstdAmt Ccy="([A-Z]+)">/g)].every((m) => m[1] === 'EUR'));
    assert.deepEqual(text(xml, 'InstrId'), text(xml, 'EndToEndId'));
    await assertValidPain001(xml);
    // The validator is live: an element out of the schema's order, a missing required one, a value outside its set each fail.
    const errors = async (broken: string) => {
      assert.notEqual(broken, xml);
      return (await pain001SchemaErrors(broken)).join('\n');
    };
    assert.match(await errors(xml.replace(/(<ReqdExctnDt>.*<\/ReqdExctnDt>)\n(<Dbtr>.*<\/Dbtr>)/, '$2\n$1')), /Dbtr': This element is not expected. Expected is .*ReqdExctnDt/);
    assert.match(await errors(xml.replace(/<MsgId>[^<]*<\/MsgId>/, '')), /CreDtTm.*not expected.*MsgId/);
    assert.match(await errors(xml.replace('<ChrgBr>SLEV</ChrgBr>', '<ChrgBr>FREE</ChrgBr>')), /ChrgBr.*enumeration/);

    const again = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' });
    assert.deepEqual([again.status, (again.body as FileObject).error?.param], [400, 'currency'], 'each refund is in one file');
    await assertBooks(s);
  });

  it('USD: a NACHA file of 94-character records with its batch and file totals', async () => {
    const s = server();
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=usd&account_holder_name=Cashbook Shop Inc&routing_number=021000021&account_number=123456789' });
    const one = await returnOf(s.stripe, 'usd', 1_999);
    const two = await returnOf(s.stripe, 'usd', 5);
    await pendingWithDetails(s, one, { account_holder_name: 'Pat Doe', routing_number: '011000015', account_number: '000999888777' });
    await pendingWithDetails(s, two, { account_holder_name: 'Lee Roe', routing_number: '121000358', account_number: '4321' });
    const file = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=usd' })).body as FileObject;
    assert.deepEqual([file.format, file.count, file.amount], ['nacha', 2, 2_004]);
    const body = await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${file.id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text();
    const lines = body.trimEnd().split('\n');
    assert.ok(lines.every((line) => line.length === 94), 'every record is 94 characters');
    assert.equal(lines.length % 10, 0, 'blocked by ten');
    assert.deepEqual(lines.map((l) => l[0]).join('').replace(/9+$/, '9'), '1567678' + '9');
    const entries = lines.filter((l) => l[0] === '6');
    const byAccount = new Map(entries.map((l) => [l.slice(12, 29).trim(), { routing: l.slice(3, 12), amount: Number(l.slice(29, 39)), name: l.slice(54, 76).trim(), code: l.slice(1, 3) }]));
    assert.deepEqual(byAccount.get('000999888777'), { routing: '011000015', amount: 1_999, name: 'PAT DOE', code: '22' });
    assert.deepEqual(byAccount.get('4321'), { routing: '121000358', amount: 5, name: 'LEE ROE', code: '22' });
    const addenda = lines.filter((l) => l[0] === '7').map((l) => l.slice(3, 83));
    assert.ok(addenda.some((a) => a.includes(one.id)) && addenda.some((a) => a.includes(two.id)), 'each refund id travels in its addenda');
    const batchControl = lines.find((l) => l[0] === '8')!;
    assert.deepEqual([Number(batchControl.slice(4, 10)), Number(batchControl.slice(10, 20)), Number(batchControl.slice(32, 44))], [4, 1100001 + 12100035, 2_004]);
    const fileControl = lines.find((l) => l[0] === '9' && l !== '9'.repeat(94))!;
    assert.deepEqual([Number(fileControl.slice(1, 7)), Number(fileControl.slice(7, 13)), Number(fileControl.slice(13, 21)), Number(fileControl.slice(43, 55))], [1, 1, 4, 2_004]);
  });

  it('NACHA: the addenda keeps the whole payment id after a long remittance; names never start blank; the destination name is blank, not a placeholder', async () => {
    const s = server();
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=usd&account_holder_name=US Merchant LLC&routing_number=021000021&account_number=123456789' });
    const remittance = 'Invoice 2026-000123 for consulting services rendered in November, with travel and expenses as agreed';
    const statement = await fetch(`${s.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${s.key}` }, body: camt('053', '08', 'NL91ABNA0417164300', [
      { amount: '77.01', currency: 'USD', creditorAccount: 'NL02ABNA0123456789', debtorName: '&lt;img src=x onerror=alert(1)&gt;', debtorAccount: '000123456789', debtorClearing: { system: 'USABA', id: '011000015' }, ref: 'ACH-LONG-1', remittance },
    ]) });
    const transfer = ((await statement.json()) as { lines: { unmatched_transfer: string }[] }).lines[0].unmatched_transfer;
    assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${transfer}/return`)).status, 200);
    const file = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=usd' })).body as FileObject;
    assert.ok(file.unmatched_transfers.includes(transfer));
    const lines = (await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${file.id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text()).trimEnd().split('\n');
    assert.ok(lines.every((line) => line.length === 94));
    assert.equal(lines[0].slice(40, 63), ' '.repeat(23), 'immediate destination name: Cashbook does not know the bank name');
    assert.equal(lines[0].slice(63, 86).trim(), 'US MERCHANT LLC');
    const at = lines.findIndex((l) => l[0] === '6' && l.slice(39, 54) === transfer.slice(-15));
    assert.equal(lines[at].slice(54, 76), 'IMG SRC X ONERROR ALER', 'the individual name starts with its first letter');
    const addenda = lines[at + 1].slice(3, 83);
    assert.equal(lines[at + 1][0], '7');
    assert.ok(addenda.endsWith(` ${transfer}`), addenda);
    assert.ok(addenda.startsWith('Return of your transfer Invoice 2026-000123 for'), addenda);
    await assertBooks(s);
  });

  it('NACHA: a file made the day before Thanksgiving settles on the Friday after it (a Federal Reserve holiday)', async () => {
    const wednesday = Date.UTC(2026, 10, 25, 15, 0, 0) / 1000; // 2026-11-25; Thursday the 26th is Thanksgiving Day
    const s = await startTestServer({ store, clock: { nowSeconds: () => wednesday } });
    try {
      await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=usd&account_holder_name=Cashbook Shop Inc&routing_number=021000021&account_number=123456789' });
      const refund = await returnOf(s.stripe, 'usd', 700);
      await pendingWithDetails(s, refund, { account_holder_name: 'Pat Doe', routing_number: '011000015', account_number: '000999888777' });
      const file = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=usd' })).body as FileObject;
      const lines = (await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${file.id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text()).split('\n');
      assert.deepEqual([lines[0].slice(23, 29), lines[1].slice(69, 75)], ['261125', '261127'], 'created on Wednesday, effective on Friday');
      assert.deepEqual(s.violations, []);
    } finally {
      await s.close();
    }
  });

  it('pain.001: a file made on Christmas Day asks for execution on the next TARGET day, and a pound file on the next English bank day', async () => {
    const christmas = Date.UTC(2026, 11, 25, 10, 0, 0) / 1000; // a Friday; 26 December (TARGET closed) is a Saturday, Boxing Day's substitute Monday the 28th
    const s = await startTestServer({ store, clock: { nowSeconds: () => christmas } });
    try {
      await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=eur&account_holder_name=Cashbook Shop GmbH&iban=DE89370400440532013000&bic=COBADEFFXXX' });
      await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=gbp&account_holder_name=Shop Ltd&iban=GB29NWBK60161331926819&bic=NWBKGB2L' });
      await pendingWithDetails(s, await returnOf(s.stripe, 'eur', 900), { account_holder_name: 'Pay Customer', iban: 'NL91ABNA0417164300' });
      await pendingWithDetails(s, await returnOf(s.stripe, 'gbp', 800), { account_holder_name: 'Pat Doe', sort_code: '40-47-84', account_number: '70872490' });
      const requested: string[] = [];
      for (const currency of ['eur', 'gbp']) {
        const file = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: `currency=${currency}` })).body as FileObject;
        const xml = await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${file.id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text();
        await assertValidPain001(xml);
        assert.match(xml, /<CreDtTm>2026-12-25T10:00:00Z<\/CreDtTm>/);
        requested.push(/<ReqdExctnDt><Dt>([\d-]+)<\/Dt>/.exec(xml)![1]);
      }
      assert.deepEqual(requested, ['2026-12-28', '2026-12-29'], 'euros on Monday (TARGET open), pounds on Tuesday (Monday is the Boxing Day substitute)');
      assert.deepEqual(s.violations, []);
    } finally {
      await s.close();
    }
  });

  it('two file requests at once never put one refund or returned unmatched transfer in two files', async () => {
    const s = server();
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=gbp&account_holder_name=Shop Ltd&iban=GB29NWBK60161331926819&bic=NWBKGB2L' });
    const refunds: Stripe.Refund[] = [];
    for (let i = 0; i < 6; i++) {
      const refund = await returnOf(s.stripe, 'gbp', 100 + i);
      await pendingWithDetails(s, refund, { account_holder_name: `Customer ${i}`, sort_code: '40-47-84', account_number: String(70872490 + i) });
      refunds.push(refund);
    }
    // Credits to the merchant's own account that route to no customer, returned to their senders.
    const statement = [':20:OUTFILES', ':25:GB29NWBK60161331926819', ':60F:C261130GBP0,00'];
    const senders = ['GB39WEST12345698765430', 'GB12WEST12345698765431', 'GB82WEST12345698765432', 'GB55WEST12345698765433'];
    senders.forEach((iban, i) => statement.push(`:61:2612011201C${i + 1},00NTRFNONREF//IN-${i}`, `:86:?20SVWZ+Wrong ref ${i}?31${iban}?32SENDER ${i}`));
    const imported = await fetch(`${s.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${s.key}` }, body: [...statement, ':62F:C261201GBP10,00', '-'].join('\n') });
    const lines = ((await imported.json()) as { lines: { status: string; unmatched_transfer: string }[] }).lines;
    assert.deepEqual(lines.map((l) => l.status), Array(4).fill('unmatched'));
    const transfers = lines.map((l) => l.unmatched_transfer);
    for (const id of transfers) assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${id}/return`)).status, 200);
    const replies = await Promise.all([0, 1, 2].map(() => s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=gbp' })));
    const files = replies.filter((r) => r.status === 200).map((r) => r.body as FileObject);
    assert.ok(replies.every((r) => r.status === 200 || (r.status === 400 && (r.body as FileObject).error?.param === 'currency')));
    const held = files.flatMap((f) => f.refunds);
    assert.equal(new Set(held).size, held.length, 'no refund in two files');
    assert.deepEqual([...held].sort(), refunds.map((r) => r.id).sort(), 'every refund in a file');
    const heldTransfers = files.flatMap((f) => f.unmatched_transfers);
    assert.equal(new Set(heldTransfers).size, heldTransfers.length, 'no unmatched transfer in two files');
    assert.deepEqual([...heldTransfers].sort(), [...transfers].sort(), 'every returned transfer in a file');
    for (const f of files) assert.equal(f.count, f.refunds.length + f.unmatched_transfers.length);
    const xml = await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${files[0].id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text();
    assert.deepEqual(childNames(xml, 'CdtTrfTxInf'), ['PmtId', 'Amt', 'CdtrAgt', 'Cdtr', 'CdtrAcct', 'RmtInf']);
    assert.match(xml, /<CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>GBDSC<\/Cd><\/ClrSysId><MmbId>404784<\/MmbId><\/ClrSysMmbId><\/FinInstnId><\/CdtrAgt>/);
    assert.ok(!xml.includes('<Cd>SEPA</Cd>'), 'GBP is not SEPA');
    await assertValidPain001(xml);
  });

  it("NACHA: the day's files get the file id modifiers A, B, … (36 a day at most) and settle on the next business day", async () => {
    const s = server();
    // An account of its own: the modifiers count the files this account made today.
    const { key } = await createAccount(s.store, { livemode: false, now: Math.floor(Date.now() / 1000) });
    const stripe = sdk(s.url, key);
    const api = (method: string, path: string, form?: string) => s.request(method, path, { headers: { authorization: `Bearer ${key}` }, ...(form !== undefined ? { form } : {}) });
    assert.equal((await api('POST', '/cashbook/v1/merchant_bank_accounts', 'currency=usd&account_holder_name=Shop Inc&routing_number=021000021&account_number=123456789')).status, 200);
    async function fileOfOne(amount: number): Promise<{ status: number; body: FileObject & { created: number } }> {
      const customer = await stripe.customers.create({ email: 'ach@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      await fund(stripe, customer.id, amount, 'usd');
      const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'usd', amount });
      const link = (await api('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`)).body as { url: string };
      const page = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'account_holder_name=Pat+Doe&routing_number=011000015&account_number=000999888777' });
      assert.equal(page.status, 200);
      return api('POST', '/cashbook/v1/outbound_transfer_files', 'currency=usd');
    }
    const headers: { date: string; modifier: string; effective: string; created: number }[] = [];
    for (let i = 0; i < 36; i++) {
      const made = await fileOfOne(100 + i);
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const lines = (await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${made.body.id}/content`, { headers: { authorization: `Bearer ${key}` } })).text()).split('\n');
      headers.push({ date: lines[0].slice(23, 29), modifier: lines[0].slice(33, 34), effective: lines[1].slice(69, 75), created: made.body.created });
    }
    const yymmdd = (d: Date) => d.toISOString().slice(2, 10).replace(/-/g, '');
    for (const [index, header] of headers.entries()) {
      const created = new Date(header.created * 1000);
      assert.equal(header.date, yymmdd(created), 'the file creation date, UTC');
      const earlierToday = headers.slice(0, index).filter((h) => h.date === header.date).length;
      assert.equal(header.modifier, '0123456789'.split('').reduce((all, d) => all + d, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')[earlierToday], `file ${index + 1}`);
      const effective = nextAchBankingDay(created);
      assert.ok(isAchBankingDay(effective) && effective.getTime() > created.getTime() && effective.getTime() - created.getTime() <= 5 * 86_400_000);
      assert.equal(header.effective, yymmdd(effective), 'the effective entry date is the next ACH banking day');
    }
    if (headers.every((h) => h.date === headers[0].date)) {
      assert.deepEqual(headers.slice(0, 3).map((h) => h.modifier), ['A', 'B', 'C'], 'two files of one day never share a modifier');
      assert.equal(headers[35].modifier, '9');
      // A 37th file that day could not be told apart: refused, and the refund waits for tomorrow's file.
      const refused = await fileOfOne(999);
      if (yymmdd(new Date()) === headers[0].date) {
        assert.deepEqual([refused.status, refused.body.error?.param], [400, 'currency'], JSON.stringify(refused.body));
        const files = (await api('GET', '/cashbook/v1/outbound_transfer_files?limit=100')).body as { data: FileObject[] };
        assert.equal(files.data.length, 36, 'the refused request made no file');
        const pending = await stripe.refunds.list({ limit: 1 });
        assert.equal(pending.data[0].status, 'pending', 'and left its refund pending for the next file');
      }
    }
  });

});
