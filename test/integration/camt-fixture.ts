// camt.053 and camt.054 files as banks write them, in every version .001.02 to .001.08, for
// the bank-statements suite (not a test file). The element names that moved between versions
// follow ISO 20022's schemas (checked against the published XSDs of .02 to .06 and .08 and
// the .07 message definition): the agent's BIC is `BIC` in .02 and `BICFI` from .03; a party
// is `Dbtr/Nm` up to .06 and `Dbtr/Pty/Nm` from .07; the status is `<Sts>BOOK</Sts>` up to
// .06 and `<Sts><Cd>BOOK</Cd></Sts>` from .07; a transaction has its own `TxDtls/Amt` from
// .03 (`AmtDtls/TxAmt/Amt` in every version).

export const CAMT_VERSIONS = ['02', '03', '04', '05', '06', '07', '08'] as const;
export type CamtVersion = (typeof CAMT_VERSIONS)[number];

/** One transaction (TxDtls) of an entry. */
export interface CamtTransaction {
  amount: string;
  /** Our account the transaction books: CdtrAcct of a credit, DbtrAcct of a debit (IBAN or Othr/Id). */
  creditorAccount?: string;
  debtorName?: string;
  debtorIban?: string;
  /** The sender's account when it is no IBAN (DbtrAcct/Id/Othr/Id). */
  debtorAccount?: string;
  /** The sender's bank by clearing code (DbtrAgt/FinInstnId/ClrSysMmbId) instead of a BIC. */
  debtorClearing?: { system: 'GBDSC' | 'USABA'; id: string };
  endToEndId?: string;
  /** The transaction's own AcctSvcrRef (a single-transaction entry repeats the entry's). */
  txRef?: string;
  remittance?: string;
  /** Structured creditor references (one RmtInf/Strd block each). */
  structured?: string[];
  returnReason?: string;
  /** Leave out AmtDtls (from .03 the transaction then has its amount in TxDtls/Amt only). */
  withoutAmountDetails?: boolean;
}

export interface CamtEntry extends CamtTransaction {
  currency: string;
  direction?: 'CRDT' | 'DBIT';
  status?: 'BOOK' | 'PDNG' | 'INFO';
  ref?: string;
  /** The entry's NtryRef (banks often number a statement's entries 1, 2, 3). */
  ntryRef?: string;
  /** BookgDt and ValDt (default 2026-12-01). */
  bookingDate?: string;
  reversal?: boolean;
  /** How RvslInd says true (`true`, or `1` as some banks write the boolean). */
  reversalIndicator?: 'true' | '1';
  /**
   * A reversal of a credit as banks send it, repeating the original parties: our (virtual)
   * account in CdtrAcct, the original sender in Dbtr/DbtrAcct. Otherwise a debit names our
   * account in DbtrAcct.
   */
  originalParties?: boolean;
  /** Several transactions in one entry (a batch): `amount` is the entry's total. */
  transactions?: CamtTransaction[];
}

function names(version: CamtVersion) {
  const v = Number(version);
  return {
    bic: (b: string) => (v >= 3 ? `<BICFI>${b}</BICFI>` : `<BIC>${b}</BIC>`),
    name: (n: string) => (v >= 7 ? `<Pty><Nm>${n}</Nm></Pty>` : `<Nm>${n}</Nm>`),
    status: (s: string) => (v >= 7 ? `<Sts><Cd>${s}</Cd></Sts>` : `<Sts>${s}</Sts>`),
    transactionAmount: v >= 3,
  };
}

const accountXml = (account: string) => (/^[A-Z]{2}\d{2}/.test(account) ? `<Id><IBAN>${account}</IBAN></Id>` : `<Id><Othr><Id>${account}</Id></Othr></Id>`);

function relatedParties(tx: CamtTransaction, entry: CamtEntry, n: ReturnType<typeof names>): string {
  const credit = (entry.direction ?? 'CRDT') === 'CRDT';
  const senderAccount = tx.debtorIban ?? tx.debtorAccount;
  const sender = (tag: 'Dbtr' | 'Cdtr') => `<${tag}>${n.name(tx.debtorName ?? 'Sample Sender BV')}</${tag}>${senderAccount ? `<${tag}Acct>${accountXml(senderAccount)}</${tag}Acct>` : ''}`;
  const own = (tag: 'DbtrAcct' | 'CdtrAcct') => (tx.creditorAccount ? `<${tag}>${accountXml(tx.creditorAccount)}</${tag}>` : '');
  if (credit || entry.originalParties) return `${sender('Dbtr')}${own('CdtrAcct')}`;
  return `${own('DbtrAcct')}${sender('Cdtr')}`;
}

function transactionXml(tx: CamtTransaction, entry: CamtEntry, n: ReturnType<typeof names>): string {
  const credit = (entry.direction ?? 'CRDT') === 'CRDT';
  const agentTag = credit || entry.originalParties ? 'DbtrAgt' : 'CdtrAgt';
  const agent = tx.debtorClearing ? `<ClrSysMmbId><ClrSysId><Cd>${tx.debtorClearing.system}</Cd></ClrSysId><MmbId>${tx.debtorClearing.id}</MmbId></ClrSysMmbId>` : n.bic('INGBNL2AXXX');
  const amount = `<Amt Ccy="${entry.currency}">${tx.amount}</Amt>`;
  const amountDetails = tx.withoutAmountDetails && n.transactionAmount ? '' : `<AmtDtls><TxAmt>${amount}</TxAmt></AmtDtls>`;
  const structured = (tx.structured ?? []).map((ref) => `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${ref}</Ref></CdtrRefInf></Strd>`).join('');
  const remittance = tx.remittance || structured ? `<RmtInf>${tx.remittance ? `<Ustrd>${tx.remittance}</Ustrd>` : ''}${structured}</RmtInf>` : '';
  return `<TxDtls>
          <Refs>${tx.txRef ? `<AcctSvcrRef>${tx.txRef}</AcctSvcrRef>` : ''}<EndToEndId>${tx.endToEndId ?? 'NOTPROVIDED'}</EndToEndId></Refs>
          ${n.transactionAmount ? `${amount}<CdtDbtInd>${entry.direction ?? 'CRDT'}</CdtDbtInd>` : ''}${amountDetails}
          <RltdPties>${relatedParties(tx, entry, n)}</RltdPties>
          <RltdAgts><${agentTag}><FinInstnId>${agent}</FinInstnId></${agentTag}></RltdAgts>
          ${remittance}
          ${tx.returnReason ? `<RtrInf><Rsn><Cd>${tx.returnReason}</Cd></Rsn></RtrInf>` : ''}
        </TxDtls>`;
}

function entryXml(e: CamtEntry, n: ReturnType<typeof names>): string {
  const transactions = e.transactions ?? [{ ...e, txRef: e.txRef ?? e.ref }];
  return `
      <Ntry>
        ${e.ntryRef ? `<NtryRef>${e.ntryRef}</NtryRef>` : ''}
        <Amt Ccy="${e.currency}">${e.amount}</Amt>
        <CdtDbtInd>${e.direction ?? 'CRDT'}</CdtDbtInd>
        ${e.reversal ? `<RvslInd>${e.reversalIndicator ?? 'true'}</RvslInd>` : ''}
        ${n.status(e.status ?? 'BOOK')}
        <BookgDt><Dt>${e.bookingDate ?? '2026-12-01'}</Dt></BookgDt>
        <ValDt><Dt>${e.bookingDate ?? '2026-12-01'}</Dt></ValDt>
        ${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ''}
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>${transactions.map((tx) => transactionXml(tx, e, n)).join('')}</NtryDtls>
      </Ntry>`;
}

/** A camt.053 (or .054) of `account` with `entries`, in the element names of `version`. */
export function camt(kind: '053' | '054', version: CamtVersion, account: string, entries: CamtEntry[], id = `STMT-${Math.random().toString(36).slice(2)}`): string {
  const n = names(version);
  const root = kind === '053' ? 'BkToCstmrStmt' : 'BkToCstmrDbtCdtNtfctn';
  const report = kind === '053' ? 'Stmt' : 'Ntfctn';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <${root}>
    <GrpHdr><MsgId>MSG-${id}</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
    <${report}>
      <Id>${id}</Id>
      <CreDtTm>2026-12-01T18:00:00</CreDtTm>
      <Acct><Id><IBAN>${account}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId>${n.bic('CASHNL2AXXX')}</FinInstnId></Svcr></Acct>
      ${kind === '053' ? `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>` : ''}
      ${entries.map((e) => entryXml(e, n)).join('')}
    </${report}>
  </${root}>
</Document>`;
}
