// ISO 20022 pain.001.001.09 (customer credit transfer initiation): the file a merchant
// uploads to its bank to pay refunds and returns. One payment information block; EUR as SEPA
// (service level SEPA, charges SLEV, creditor by IBAN), GBP by IBAN or by sort code and
// account number (UK clearing code GBDSC). Pure: the same input gives the same bytes.
import type { PayoutAccount } from '../payout-account.ts';
import { fileId, latinize } from './latin.ts';

export interface DebtorAccount {
  name: string;
  iban: string;
  bic: string;
}

export interface OutboundPayment {
  /** The refund's (or unmatched transfer's) id: the file carries it with `-` for `_` (latin.ts fileId), and the bank echoes it in the statement. */
  endToEndId: string;
  amount: number;
  creditor: PayoutAccount;
  remittance: string;
}

export interface Pain001Input {
  messageId: string;
  /** ISO date-time of creation, UTC. */
  createdAt: string;
  /** YYYY-MM-DD. */
  executionDate: string;
  currency: 'eur' | 'gbp';
  debtor: DebtorAccount;
  payments: OutboundPayment[];
}

const xml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** SEPA's character set (Latin letters, digits, / - ? : ( ) . , ' + and space), latinized first and `_` as `-` (latin.ts): anything else becomes a space. */
export function sepaText(text: string, max: number): string {
  return fileId(latinize(text)).replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max) || 'NOTPROVIDED';
}

/** Minor units as a decimal with two places, by integer arithmetic. */
export function twoPlaces(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

function creditorParts(creditor: PayoutAccount): { agent: string; account: string } {
  if (creditor.type === 'eu_bank_transfer') return { agent: '', account: `<CdtrAcct><Id><IBAN>${creditor.iban}</IBAN></Id></CdtrAcct>` };
  if (creditor.type === 'gb_bank_transfer') {
    return {
      agent: `<CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>GBDSC</Cd></ClrSysId><MmbId>${creditor.sort_code}</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>`,
      account: `<CdtrAcct><Id><Othr><Id>${creditor.account_number}</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></CdtrAcct>`,
    };
  }
  throw new Error(`pain.001 does not carry ${creditor.type} payments`);
}

export function pain001(input: Pain001Input): string {
  const total = twoPlaces(input.payments.reduce((sum, p) => sum + p.amount, 0));
  const count = String(input.payments.length);
  const ccy = input.currency.toUpperCase();
  const sepa = input.currency === 'eur';
  const transactions = input.payments.map((payment) => {
    const { agent, account } = creditorParts(payment.creditor);
    return [
      '<CdtTrfTxInf>',
      `<PmtId><InstrId>${xml(fileId(payment.endToEndId))}</InstrId><EndToEndId>${xml(fileId(payment.endToEndId))}</EndToEndId></PmtId>`,
      `<Amt><InstdAmt Ccy="${ccy}">${twoPlaces(payment.amount)}</InstdAmt></Amt>`,
      agent,
      `<Cdtr><Nm>${xml(sepaText(payment.creditor.account_holder_name, 70))}</Nm></Cdtr>`,
      account,
      `<RmtInf><Ustrd>${xml(sepaText(payment.remittance, 140))}</Ustrd></RmtInf>`,
      '</CdtTrfTxInf>',
    ].filter(Boolean).join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '<CstmrCdtTrfInitn>',
    `<GrpHdr><MsgId>${xml(fileId(input.messageId))}</MsgId><CreDtTm>${input.createdAt}</CreDtTm><NbOfTxs>${count}</NbOfTxs><CtrlSum>${total}</CtrlSum><InitgPty><Nm>${xml(sepaText(input.debtor.name, 70))}</Nm></InitgPty></GrpHdr>`,
    '<PmtInf>',
    `<PmtInfId>${xml(fileId(input.messageId))}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>false</BtchBookg><NbOfTxs>${count}</NbOfTxs><CtrlSum>${total}</CtrlSum>`,
    sepa ? '<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>' : '',
    `<ReqdExctnDt><Dt>${input.executionDate}</Dt></ReqdExctnDt>`,
    `<Dbtr><Nm>${xml(sepaText(input.debtor.name, 70))}</Nm></Dbtr>`,
    `<DbtrAcct><Id><IBAN>${input.debtor.iban}</IBAN></Id></DbtrAcct>`,
    `<DbtrAgt><FinInstnId><BICFI>${input.debtor.bic}</BICFI></FinInstnId></DbtrAgt>`,
    `<ChrgBr>${sepa ? 'SLEV' : 'SHAR'}</ChrgBr>`,
    ...transactions,
    '</PmtInf>',
    '</CstmrCdtTrfInitn>',
    '</Document>',
    '',
  ].filter((line) => line !== '').join('\n') + '\n';
}
