// ISO 20022 camt.053 (end-of-day statement) and camt.054 (debit/credit notification),
// versions .001.02 to .001.08 (and later ones of the same shape): the names that moved
// between versions are read both ways (Dbtr/Nm up to .06, Dbtr/Pty/Nm from .07; BIC in .02,
// BICFI from .03; Sts as text up to .06, Sts/Cd from .07). An entry is one line per
// transaction (NtryDtls/TxDtls): a batched entry is as many lines as its transactions, each
// with its own amount, accounts, parties and references.
import { XMLParser } from 'fast-xml-parser';
import { currencyCode } from './currency.ts';
import { cut, keptLine, MAX_REFERENCE_LENGTH, MAX_TEXT_LENGTH, minorUnits, normalizeAccount, realReference, StatementError, type ParsedStatement, type StatementLine } from './entry.ts';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['Stmt', 'Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd'].includes(name),
});

const obj = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});
const list = (value: unknown): Node[] => (Array.isArray(value) ? value.map(obj) : value === undefined ? [] : [obj(value)]);
const str = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return str((value as Node)['#text']);
  const text = String(value).trim();
  return text === '' ? null : text;
};

function amountOf(node: unknown, where: string): { amount: number; currency: string } {
  const amt = obj(node);
  const code = str(amt['@Ccy']);
  const value = str(amt['#text'] ?? node);
  if (!code || !value) throw new StatementError(`${where}: Amt with its Ccy is required`);
  const currency = currencyCode(code, where);
  return { amount: minorUnits(value, currency, where), currency };
}

function accountId(node: unknown, where: string): string | null {
  const id = obj(obj(node).Id);
  return normalizeAccount(str(id.IBAN) ?? str(obj(id.Othr).Id), where);
}

/** As written: keptLine cuts it to what a line keeps (Nm is Max140Text), and the identity hashes it whole, as imports before the cut did. */
function partyName(node: unknown): string | null {
  const n = obj(node);
  return str(n.Nm) ?? str(obj(n.Pty).Nm);
}

function bic(node: unknown): string | null {
  const fin = obj(obj(node).FinInstnId);
  return str(fin.BICFI) ?? str(fin.BIC);
}

/** The agent's clearing member id (FinInstnId/ClrSysMmbId/MmbId): a sort code (GBDSC), an ABA routing number (USABA). */
function clearing(node: unknown, where: string): string | null {
  return normalizeAccount(str(obj(obj(obj(node).FinInstnId).ClrSysMmbId).MmbId), where);
}

function statusOf(node: unknown): 'booked' | 'pending' | 'info' {
  const code = str(obj(node).Cd) ?? str(node);
  if (code === 'BOOK') return 'booked';
  if (code === 'PDNG') return 'pending';
  return 'info';
}

/** The remittance information as written (keptLine cuts it): the unstructured text (`Ustrd`, joined), else the structured creditor references (`Strd/CdtrRefInf/Ref`, joined). */
function remittanceOf(node: unknown): string | null {
  const remittance = obj(node);
  const ustrd = (Array.isArray(remittance.Ustrd) ? (remittance.Ustrd as unknown[]) : []).map(str).filter((s): s is string => s !== null);
  if (ustrd.length > 0) return ustrd.join(' ');
  const structured = list(remittance.Strd).map((s) => str(obj(obj(s).CdtrRefInf).Ref)).filter((s): s is string => s !== null);
  return structured.length > 0 ? structured.join(' ') : null;
}

/** What every transaction of an entry shares. */
interface EntryFacts {
  where: string;
  amount: number;
  currency: string;
  direction: 'credit' | 'debit';
  status: StatementLine['status'];
  bookingDate: string | null;
  reversal: boolean;
  /** The entry's reference as shown (AcctSvcrRef, else NtryRef). */
  reference: string | null;
  /** The bank's unique reference of the entry (AcctSvcrRef): NtryRef is often a per-statement 1, 2, 3, never an identity. */
  ownReference: string | null;
  batched: boolean;
}

function entryFacts(entry: Node, where: string, batched: boolean): EntryFacts {
  const indicator = str(entry.CdtDbtInd);
  const direction = indicator === 'DBIT' ? 'debit' : indicator === 'CRDT' ? 'credit' : undefined;
  if (!direction) throw new StatementError(`${where}: CdtDbtInd must be CRDT or DBIT`);
  const { amount, currency } = amountOf(entry.Amt, where);
  return {
    where,
    amount,
    currency,
    direction,
    status: statusOf(entry.Sts),
    bookingDate: (str(obj(entry.BookgDt).Dt) ?? str(obj(entry.BookgDt).DtTm))?.slice(0, 10) ?? null,
    reversal: ['true', '1'].includes(str(entry.RvslInd) ?? ''),
    reference: realReference(str(entry.AcctSvcrRef)) ?? realReference(str(entry.NtryRef)),
    ownReference: realReference(str(entry.AcctSvcrRef)),
    batched,
  };
}

/** A transaction's own amount: `AmtDtls/TxAmt/Amt`, else `TxDtls/Amt` (.03 on). */
function transactionAmount(tx: Node, entry: EntryFacts, where: string): number {
  const node = obj(obj(tx.AmtDtls).TxAmt).Amt ?? tx.Amt;
  if (node === undefined) throw new StatementError(`${where}: a transaction of a batched entry needs its amount (AmtDtls/TxAmt/Amt or Amt)`);
  const { amount, currency } = amountOf(node, where);
  if (currency !== entry.currency) throw new StatementError(`${where}: the transaction is in ${currency.toUpperCase()}, its entry in ${entry.currency.toUpperCase()}`);
  return amount;
}

/**
 * The accounts of a transaction: the one it books (for a credit the creditor's, for a debit
 * the debtor's) and, for a reversal, the others to try for the funding it reverses. A
 * reversal of a credit (DBIT, RvslInd) often repeats the original parties, the virtual
 * account as creditor: it tries the creditor's account first, then the debtor's, then the
 * statement's.
 */
function accountsOf(related: Node, entry: EntryFacts, statementAccount: string | null): { account: string | null; others: string[] } {
  const creditor = accountId(related.CdtrAcct, entry.where);
  const debtor = accountId(related.DbtrAcct, entry.where);
  if (entry.reversal && entry.direction === 'debit') {
    const account = creditor ?? debtor ?? statementAccount;
    return { account, others: [...new Set([debtor, statementAccount].filter((a): a is string => a !== null && a !== account))] };
  }
  return { account: (entry.direction === 'credit' ? creditor : debtor) ?? statementAccount, others: [] };
}

function transactionLine(tx: Node, entry: EntryFacts, amount: number, position: number, statementAccount: string | null, legacyReference: string | null): StatementLine {
  const refs = obj(tx.Refs);
  const related = obj(tx.RltdPties);
  const agents = obj(tx.RltdAgts);
  const credit = entry.direction === 'credit';
  const counterparty = credit ? { party: related.Dbtr, account: related.DbtrAcct, agent: agents.DbtrAgt } : { party: related.Cdtr, account: related.CdtrAcct, agent: agents.CdtrAgt };
  const returnInfo = obj(tx.RtrInf);
  const senderAccount = accountId(counterparty.account, entry.where);
  const ownReference = realReference(str(refs.AcctSvcrRef));
  const bankReference = ownReference ?? entry.reference;
  const { account, others } = accountsOf(related, entry, statementAccount);
  const parties = [accountId(related.CdtrAcct, entry.where), accountId(related.DbtrAcct, entry.where)].filter((a): a is string => a !== null);
  return {
    index: 0,
    amount,
    currency: entry.currency,
    direction: entry.direction,
    status: entry.status,
    bookingDate: entry.bookingDate,
    bankReference,
    uniqueReference: ownReference ?? (!entry.batched ? entry.ownReference : entry.ownReference ? `${entry.ownReference}#${position + 1}` : null),
    endToEndId: realReference(str(refs.EndToEndId)),
    reversal: entry.reversal,
    returnReason: tx.RtrInf ? (str(obj(returnInfo.Rsn).Cd) ?? str(obj(returnInfo.Rsn).Prtry) ?? 'unknown') : null,
    account,
    sender: {
      name: partyName(counterparty.party),
      iban: senderAccount && /^[A-Z]{2}\d{2}/.test(senderAccount) ? senderAccount : null,
      bic: bic(counterparty.agent),
      account: senderAccount,
      clearing: clearing(counterparty.agent, entry.where),
    },
    reference: remittanceOf(tx.RmtInf),
    mentionedAccounts: others,
    ...(entry.reversal ? { reversedParties: parties } : {}),
    legacyReference,
    batchPosition: entry.batched ? position : null,
    network: null,
  };
}

/** An entry's lines: one per transaction; a batch whose transactions do not add up to the entry refuses the file. */
function entryLines(entry: Node, where: string, statementAccount: string | null): StatementLine[] {
  const details = list(entry.NtryDtls).flatMap((d) => list(d.TxDtls));
  const facts = entryFacts(entry, where, details.length > 1);
  const legacy = str(obj(obj(details[0]).Refs).AcctSvcrRef) ?? str(entry.AcctSvcrRef) ?? str(entry.NtryRef) ?? null;
  const batch = (transactions: number, summary: boolean) => ({ batch: { reference: facts.ownReference, account: statementAccount, total: facts.amount, transactions, summary } });
  if (!facts.batched) {
    const line = transactionLine(details[0] ?? {}, facts, facts.amount, 0, statementAccount, legacy);
    // An end-of-day statement often gives a batch only as its count (Btch/NbOfTxs), its transactions in a camt.054 of their own.
    const counted = Math.max(0, ...list(entry.NtryDtls).map((d) => Number(str(obj(d.Btch).NbOfTxs) ?? 0)).filter(Number.isSafeInteger));
    return [details.length === 0 && counted > 1 ? { ...line, ...batch(counted, true) } : line];
  }
  const amounts = details.map((tx, i) => transactionAmount(tx, facts, `${where} transaction ${i + 1}`));
  const total = amounts.reduce((sum, amount) => sum + amount, 0);
  if (total !== facts.amount) {
    throw new StatementError(`${where}: its ${details.length} transactions add up to ${total} minor units, not the entry's ${facts.amount}`);
  }
  return details.map((tx, i) => ({ ...transactionLine(tx, facts, amounts[i], i, statementAccount, legacy), ...batch(details.length, false) }));
}

export function parseCamt(xml: string): ParsedStatement {
  let document: Node;
  try {
    document = obj(parser.parse(xml, true)).Document as Node;
  } catch (error) {
    // The parser's message may hold the whole tag stack: its first line, bounded.
    const message = (error as Error).message.split('\n')[0];
    throw new StatementError(`not well-formed XML: ${message.length > 200 ? `${cut(message, 200)}…` : message}`);
  }
  const root = obj(document);
  const statementRoot = root.BkToCstmrStmt ? obj(root.BkToCstmrStmt) : root.BkToCstmrDbtCdtNtfctn ? obj(root.BkToCstmrDbtCdtNtfctn) : undefined;
  if (!statementRoot) throw new StatementError('a camt document has BkToCstmrStmt (camt.053) or BkToCstmrDbtCdtNtfctn (camt.054)');
  const format = root.BkToCstmrStmt ? 'camt.053' : 'camt.054';
  const reports = list(format === 'camt.053' ? statementRoot.Stmt : statementRoot.Ntfctn);
  if (reports.length === 0) throw new StatementError(`${format}: no ${format === 'camt.053' ? 'Stmt' : 'Ntfctn'}`);
  const lines: StatementLine[] = [];
  let entries = 0;
  for (const [r, report] of reports.entries()) {
    const statementAccount = accountId(report.Acct, `${format} report ${r + 1} Acct`);
    for (const entry of list(report.Ntry)) {
      for (const line of entryLines(entry, `entry ${++entries}`, statementAccount)) lines.push({ ...keptLine(line), index: lines.length });
    }
  }
  const first = reports[0];
  const currency = str(obj(first.Acct).Ccy);
  return { format, statementId: cut(str(first.Id), MAX_REFERENCE_LENGTH), account: accountId(first.Acct, `${format} Acct`), currency: currency === null ? null : currencyCode(currency, `${format} Acct/Ccy`), lines };
}
