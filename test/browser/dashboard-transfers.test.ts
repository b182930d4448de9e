// The dashboard in a real browser, part three: unmatched bank transfers. A bank statement
// (camt.053) is imported through the API with credits to an account no customer has; the
// dashboard lists them (filtered by status, paged both ways), assigns one to a customer found
// by email and another by id (each funding that customer's cash balance, checked through the
// SDK), refuses an unknown customer with a message, and marks one to be returned to its sender.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';
import { balanceOf } from '../integration/payments-helpers.ts';
import { assertCardsFit, describeInChromium, finishAction, openDashboard, performAction, PHONE, screenshot, settled, waitForText } from './chromium.ts';

interface Credit {
  amount: string;
  ref: string;
  sender: string;
  remittance: string;
}

/** A camt.053.001.02 statement of `credits` into `account` (an IBAN no virtual account has). */
function statement(account: string, credits: Credit[]): string {
  const entries = credits.map((credit) => `
    <Ntry>
      <Amt Ccy="EUR">${credit.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2026-12-01</Dt></BookgDt><ValDt><Dt>2026-12-01</Dt></ValDt>
      <AcctSvcrRef>${credit.ref}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls>
        <Refs><AcctSvcrRef>${credit.ref}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
        <AmtDtls><TxAmt><Amt Ccy="EUR">${credit.amount}</Amt></TxAmt></AmtDtls>
        <RltdPties><Dbtr><Nm>${credit.sender}</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><CdtrAcct><Id><IBAN>${account}</IBAN></Id></CdtrAcct></RltdPties>
        <RltdAgts><DbtrAgt><FinInstnId><BIC>INGBNL2AXXX</BIC></FinInstnId></DbtrAgt></RltdAgts>
        <RmtInf><Ustrd>${credit.remittance}</Ustrd></RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>`).join('');
  const id = `STMT-${Math.random().toString(36).slice(2)}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-${id}</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${id}</Id><CreDtTm>2026-12-01T18:00:00</CreDtTm>
      <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BIC>CASHNL2AXXX</BIC></FinInstnId></Svcr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>
      ${entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

async function importStatement(server: TestServer, body: string): Promise<{ lines: { status: string; unmatched_transfer: string | null }[] }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/xml' }, body });
  assert.equal(reply.status, 200);
  return (await reply.json()) as { lines: { status: string; unmatched_transfer: string | null }[] };
}

describeInChromium('dashboard unmatched transfers in Chromium', (tab) => {
  const { page, expectClean, problems } = tab;
  const row = (id: string) => page().locator(`tr[data-id="${id}"]`);
  const dialog = () => page().getByRole('dialog');
  const ids = () => page().locator('#transfers tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  async function pageTo(name: string): Promise<void> {
    const before = JSON.stringify(await ids());
    await page().getByRole('button', { name }).click();
    await settled(page());
    await page().waitForFunction((old) => JSON.stringify([...document.querySelectorAll('#transfers tbody tr')].map((r) => r.getAttribute('data-id'))) !== old, before);
  }

  describeEachStore('dashboard unmatched transfers', (server) => {
    it('lists unmatched transfers, pages them both ways, assigns them to customers (by email and by id), and returns one', async () => {
      const s = server();
      const { url, key, stripe } = s;
      const ada = await stripe.customers.create({ name: 'Ada Assign', email: 'ada-assign@example.com' });
      const bob = await stripe.customers.create({ name: 'Bob Byid' });
      for (const customer of [ada, bob]) {
        // A EUR cash balance (at zero) so a EUR transfer can be assigned to it.
        await stripe.customers.createFundingInstructions(customer.id, { currency: 'eur', funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } } });
      }
      const credits: Credit[] = Array.from({ length: 12 }, (_, n) => ({ amount: `${n + 1}.25`, ref: `BANKREF-${n}`, sender: `Sender ${n}`, remittance: `Order ${n}` }));
      const imported = await importStatement(s, statement('NL02ABNA0123456789', credits));
      assert.deepEqual(imported.lines.map((l) => l.status), Array(12).fill('unmatched'));
      const transfers = imported.lines.map((l) => l.unmatched_transfer!);

      await openDashboard(tab, url, key, '#/transfers');
      await page().getByRole('heading', { name: 'Unmatched transfers' }).waitFor();
      await page().getByRole('combobox', { name: 'transfers per page' }).selectOption('10');
      await settled(page());
      const first = (await s.request('GET', '/cashbook/v1/unmatched_transfers?limit=10')).body as { data: { id: string }[] };
      assert.deepEqual(await ids(), first.data.map((t) => t.id));
      await pageTo('Older transfers');
      const second = (await s.request('GET', `/cashbook/v1/unmatched_transfers?limit=10&starting_after=${first.data.at(-1)!.id}`)).body as { data: { id: string }[] };
      assert.deepEqual(await ids(), second.data.map((t) => t.id));
      await pageTo('Newer transfers');
      assert.deepEqual(await ids(), first.data.map((t) => t.id));

      // The newest (12.25 EUR from Sender 11): assigned to Ada, found by her email.
      const newest = transfers[11];
      assert.match(await row(newest).innerText(), /Order 11[\s\S]*12\.25 EUR[\s\S]*Sender 11[\s\S]*open/);
      const review = await performAction(page(), row(newest).getByRole('button', { name: 'Assign…' }), 'Assign 12.25 EUR', async (d) => {
        await d.getByLabel('Customer').fill('ada-assign@example.com');
      });
      assert.match(review, /Amount\s+12\.25 EUR[\s\S]*Sender 11[\s\S]*Into the cash balance of\s+Ada Assign/);
      await finishAction(page());
      assert.equal(await balanceOf(stripe, ada.id, 'eur'), 1225);
      await waitForText(row(newest), /assigned[\s\S]*cus_/);
      assert.equal(await row(newest).getByRole('button').count(), 0, 'an assigned transfer offers nothing more');

      // An unknown customer is refused in the dialog; then Bob, by id.
      await row(transfers[10]).getByRole('button', { name: 'Assign…' }).click();
      await dialog().getByLabel('Customer').fill('nobody@example.com');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /No customer has the email nobody@example\.com/);
      await dialog().getByLabel('Customer').fill('cus_doesnotexist');
      await dialog().getByRole('button', { name: 'Review' }).click();
      await waitForText(dialog().getByRole('alert'), /No such customer: 'cus_doesnotexist'/);
      problems().splice(0); // that 404 was the point
      await dialog().getByLabel('Customer').fill(bob.id);
      await dialog().getByRole('button', { name: 'Review' }).click();
      await dialog().getByRole('button', { name: 'Assign 11.25 EUR' }).click();
      await finishAction(page());
      assert.equal(await balanceOf(stripe, bob.id, 'eur'), 1125);

      // One sent back to its sender.
      const review2 = await performAction(page(), row(transfers[9]).getByRole('button', { name: 'Return…' }), 'Return 10.25 EUR');
      assert.match(review2, /Back to\s+Sender 9/);
      await finishAction(page());
      const returned = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${transfers[9]}`)).body as { status: string };
      assert.equal(returned.status, 'returned');
      await waitForText(row(transfers[9]), /returned/);

      // The status filter.
      for (const [status, expected] of [['assigned', [transfers[11], transfers[10]]], ['returned', [transfers[9]]]] as const) {
        await page().getByLabel('Status').selectOption(status);
        await page().getByRole('button', { name: 'Filter' }).click();
        await page().waitForFunction((hash) => location.hash === hash, `#/transfers?status=${status}`);
        await settled(page());
        assert.deepEqual(await ids(), expected);
      }
      await page().getByLabel('Status').selectOption('open');
      await page().getByRole('button', { name: 'Filter' }).click();
      await page().waitForFunction(() => location.hash === '#/transfers?status=open');
      await settled(page());
      assert.deepEqual(await ids(), transfers.slice(0, 9).reverse());
      await assertCardsFit(page());
      await screenshot(page(), 'transfers-desktop');
      assert.deepEqual(problems(), []);

      await openDashboard(tab, url, key, '#/transfers', PHONE);
      await expectClean(200);
      await screenshot(page(), 'transfers-phone');
      await performAction(page(), row(transfers[8]).getByRole('button', { name: 'Assign…' }), 'Assign 9.25 EUR', async (d) => {
        await d.getByLabel('Customer').fill(ada.id);
      });
      await finishAction(page());
      assert.equal(await balanceOf(stripe, ada.id, 'eur'), 1225 + 925);
      await expectClean(200);
    });
  });
});
