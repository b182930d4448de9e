// Names on payment files: a returned unmatched transfer whose sender the statement names with
// no Latin letter, and a merchant bank account named so (or with control characters), are
// refused (400) and change nothing, since a payment file could carry neither (pain.001 would
// say NOTPROVIDED, NACHA a blank name). A name with a Latin letter beside another script goes.
// An account stored with such a name before the check makes no file.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createAccount } from '../../src/resources/accounts/service.ts';
import type { MerchantBankAccount } from '../../src/resources/outbound-files/service.ts';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { camt, type CamtEntry } from './camt-fixture.ts';

type Reply = { status: number; body: any };

interface Merchant {
  accountId: string;
  api: (method: string, path: string, form?: string) => Promise<Reply>;
  /** Imports a camt.053 of `entries` (credits to no customer) and returns their unmatched transfers. */
  unmatched: (entries: CamtEntry[]) => Promise<string[]>;
  content: (file: string) => Promise<string>;
}

/** An account of its own: its merchant accounts and waiting payments apart from other tests'. */
async function merchant(s: TestServer): Promise<Merchant> {
  const { accountId, key } = await createAccount(s.store, { livemode: false, now: Math.floor(Date.now() / 1000) });
  const authorization = `Bearer ${key}`;
  return {
    accountId,
    api: (method, path, form) => s.request(method, path, { headers: { authorization }, ...(form !== undefined ? { form } : {}) }),
    unmatched: async (entries) => {
      const reply = await fetch(`${s.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization }, body: camt('053', '08', 'NL91ABNA0417164300', entries) });
      const body = (await reply.json()) as { lines: { status: string; unmatched_transfer: string }[] };
      assert.deepEqual(body.lines.map((l) => l.status), entries.map(() => 'unmatched'), JSON.stringify(body));
      return body.lines.map((l) => l.unmatched_transfer);
    },
    content: async (file) => (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${file}/content`, { headers: { authorization } })).text(),
  };
}

const MERCHANT_ACCOUNTS = {
  eur: 'currency=eur&account_holder_name=Shop+GmbH&iban=DE89370400440532013000&bic=COBADEFFXXX',
  gbp: 'currency=gbp&account_holder_name=Shop+Ltd&iban=GB29NWBK60161331926819&bic=NWBKGB2L',
  usd: 'currency=usd&account_holder_name=Shop+Inc&routing_number=021000021&account_number=123456789',
};

/** Where each currency's statement names the sender's account: an IBAN, a sort code, an ABA routing number. */
const SENDER_ACCOUNTS: Record<keyof typeof MERCHANT_ACCOUNTS, Partial<CamtEntry>> = {
  eur: { debtorIban: 'DE89370400440532013000' },
  gbp: { debtorAccount: '00012345', debtorClearing: { system: 'GBDSC', id: '108800' } },
  usd: { debtorAccount: '0001234567', debtorClearing: { system: 'USABA', id: '021000021' } },
};

let references = 0;
const credit = (currency: keyof typeof MERCHANT_ACCOUNTS, debtorName: string): CamtEntry => ({
  amount: '5.00',
  currency: currency.toUpperCase(),
  creditorAccount: 'NL02ABNA0123456789', // no customer's: the credit is unmatched
  debtorName,
  ref: `NAMES-${currency}-${++references}-${Date.now()}`,
  ...SENDER_ACCOUNTS[currency],
});

const withName = (form: string, name: string) => form.replace(/account_holder_name=[^&]*/, `account_holder_name=${encodeURIComponent(name)}`);

describeEachStore('names a payment file cannot carry', (server) => {
  it('a returned unmatched transfer whose sender has no Latin letter is refused (param id) and stays open, in EUR, GBP and USD', async () => {
    const m = await merchant(server());
    for (const currency of ['eur', 'gbp', 'usd'] as const) {
      const [japanese, cyrillic, mixed] = await m.unmatched([credit(currency, '日本 太郎'), credit(currency, 'ПЕТРОВ 1234'), credit(currency, '日本 Taro')]);
      for (const id of [japanese, cyrillic]) {
        const refused = await m.api('POST', `/cashbook/v1/unmatched_transfers/${id}/return`);
        assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', 'id'], `${currency} ${JSON.stringify(refused.body)}`);
        assert.match(refused.body.error.message, /cannot be sent back: the sender's name on the statement \(".+"\) has no Latin letter/);
        const after = (await m.api('GET', `/cashbook/v1/unmatched_transfers/${id}`)).body;
        assert.deepEqual([after.status, after.return_status, after.outbound_transfer_file], ['open', null, null], 'a refused return changes nothing');
      }
      const returned = await m.api('POST', `/cashbook/v1/unmatched_transfers/${mixed}/return`);
      assert.deepEqual([returned.status, returned.body.return_status], [200, 'pending'], 'a Latin letter beside another script is enough');
      assert.equal((await m.api('POST', '/cashbook/v1/merchant_bank_accounts', MERCHANT_ACCOUNTS[currency])).status, 200);
      const file = await m.api('POST', '/cashbook/v1/outbound_transfer_files', `currency=${currency}`);
      assert.deepEqual([file.status, file.body.unmatched_transfers], [200, [mixed]], JSON.stringify(file.body));
      const body = await m.content(file.body.id);
      if (currency === 'usd') {
        const entry = body.split('\n').find((line) => line[0] === '6')!;
        assert.equal(entry.slice(54, 76), 'TARO'.padEnd(22), 'the individual name starts with its first letter');
      } else {
        assert.deepEqual([...body.matchAll(/<Cdtr><Nm>([^<]*)<\/Nm>/g)].map((match) => match[1]), ['Taro']);
        assert.ok(!body.includes('NOTPROVIDED'), 'no name is a placeholder');
      }
    }
  });

  it('a merchant bank account named blank, in another script only or with control characters is refused (param account_holder_name) and changes nothing', async () => {
    const m = await merchant(server());
    assert.equal((await m.api('POST', '/cashbook/v1/merchant_bank_accounts', MERCHANT_ACCOUNTS.usd)).status, 200);
    for (const name of ['   ', '日本', '\u3000\u3000', '1234', 'Shop\u0000Inc', 'Shop\nInc', 'Shop\tInc', '\u0007Bell']) {
      for (const [currency, form] of Object.entries(MERCHANT_ACCOUNTS)) {
        const refused = await m.api('POST', '/cashbook/v1/merchant_bank_accounts', withName(form, name));
        assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', 'account_holder_name'], `${currency} ${JSON.stringify(name)} ${JSON.stringify(refused.body)}`);
        assert.match(refused.body.error.message, /account_holder_name (cannot contain control characters|must have a Latin letter)/);
      }
    }
    const listed = (await m.api('GET', '/cashbook/v1/merchant_bank_accounts')).body as { data: MerchantBankAccount[] };
    assert.deepEqual(listed.data.map((a) => [a.currency, a.account_holder_name]), [['usd', 'Shop Inc']], 'the refused requests stored nothing and replaced nothing');
    const accented = await m.api('POST', '/cashbook/v1/merchant_bank_accounts', withName(MERCHANT_ACCOUNTS.eur, '  Zoë Straße 日本  '));
    assert.deepEqual([accented.status, accented.body.account_holder_name], [200, 'Zoë Straße 日本'], 'accents, and another script beside Latin letters, are fine');
  });

  it('an account stored with a letterless name (before the check) makes no file (param currency), and its payments wait for the next one', async () => {
    const s = server();
    const m = await merchant(s);
    for (const [currency, stored] of [['usd', ''], ['eur', '日本']] as const) {
      assert.equal((await m.api('POST', '/cashbook/v1/merchant_bank_accounts', MERCHANT_ACCOUNTS[currency])).status, 200);
      await s.store.write(async (tx) => {
        const account = (await tx.get<MerchantBankAccount>('merchant_bank_accounts', m.accountId, `mba_${currency}`))!;
        await tx.update('merchant_bank_accounts', m.accountId, { ...account, account_holder_name: stored });
      });
      const [transfer] = await m.unmatched([credit(currency, 'Pat Sender')]);
      assert.equal((await m.api('POST', `/cashbook/v1/unmatched_transfers/${transfer}/return`)).status, 200);
      const refused = await m.api('POST', '/cashbook/v1/outbound_transfer_files', `currency=${currency}`);
      assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', 'currency'], JSON.stringify(refused.body));
      assert.match(refused.body.error.message, /holder name has no Latin letter/);
      assert.equal((await m.api('GET', '/cashbook/v1/outbound_transfer_files')).body.data.filter((f: { currency: string }) => f.currency === currency).length, 0, 'no file was made');
      assert.equal((await m.api('GET', `/cashbook/v1/unmatched_transfers/${transfer}`)).body.outbound_transfer_file, null, 'the payment waits');
      assert.equal((await m.api('POST', '/cashbook/v1/merchant_bank_accounts', MERCHANT_ACCOUNTS[currency])).status, 200, 'set again');
      const file = await m.api('POST', '/cashbook/v1/outbound_transfer_files', `currency=${currency}`);
      assert.deepEqual([file.status, file.body.unmatched_transfers], [200, [transfer]]);
      const body = await m.content(file.body.id);
      if (currency === 'usd') {
        const [header, batch] = body.split('\n');
        assert.deepEqual([header.slice(63, 86).trim(), batch.slice(4, 20).trim()], ['SHOP INC', 'SHOP INC'], 'immediate origin name and company name');
      } else {
        assert.deepEqual([...body.matchAll(/<(?:InitgPty|Dbtr)><Nm>([^<]*)<\/Nm>/g)].map((match) => match[1]), ['Shop GmbH', 'Shop GmbH']);
      }
    }
  });
});
