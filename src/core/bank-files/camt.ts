// ISO 20022 camt.053 (end-of-day statement) and camt.054 (debit/credit notification),
// versions .001.02 to .001.08 (and later ones of the same shape): the names that moved
// between versions are read both ways (Dbtr/Nm or Dbtr/Pty/Nm, BIC or BICFI, Sts as text
// or Sts/Cd).
import { XMLParser } from 'fast-xml-parser';
import { minorUnits, normalizeAccount, StatementError, type ParsedStatement, type StatementLine } from './entry.ts';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['Stmt', 'Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd'].includes(name),
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
  const currency = str(amt['@Ccy'])?.toLowerCase();
  const value = str(amt['#text'] ?? node);
  if (!currency || !value) throw new StatementError(`${where}: Amt with its Ccy is required`);
  return { amount: minorUnits(value, currency, where), currency };
}

function accountId(node: unknown): string | null {
  const id = obj(obj(node).Id);
  return normalizeAccount(str(id.IBAN) ?? str(obj(id.Othr).Id));
}

function party(node: unknown): { name: string | null } {
  const n = obj(node);
  return { name: str(n.Nm) ?? str(obj(n.Pty).Nm) };
}

function bic(node: unknown): string | null {
  const fin = obj(obj(node).FinInstnId);
  return str(fin.BICFI) ?? str(fin.BIC);
}

/** The agent's clearing member id (FinInstnId/ClrSysMmbId/MmbId): a sort code (GBDSC), an ABA routing number (USABA). */
function clearing(node: unknown): string | null {
  return normalizeAccount(str(obj(obj(obj(node).FinInstnId).ClrSysMmbId).MmbId));
}

function statusOf(node: unknown): 'booked' | 'pending' | 'info' {
  const code = str(obj(node).Cd) ?? str(node);
  if (code === 'BOOK') return 'booked';
  if (code === 'PDNG') return 'pending';
  return 'info';
}

export function parseCamt(xml: string): ParsedStatement {
  let document: Node;
  try {
    document = obj(parser.parse(xml, true)).Document as Node;
  } catch (error) {
    throw new StatementError(`not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = obj(document);
  const statementRoot = root.BkToCstmrStmt ? obj(root.BkToCstmrStmt) : root.BkToCstmrDbtCdtNtfctn ? obj(root.BkToCstmrDbtCdtNtfctn) : undefined;
  if (!statementRoot) throw new StatementError('a camt document has BkToCstmrStmt (camt.053) or BkToCstmrDbtCdtNtfctn (camt.054)');
  const format = root.BkToCstmrStmt ? 'camt.053' : 'camt.054';
  const reports = list(format === 'camt.053' ? statementRoot.Stmt : statementRoot.Ntfctn);
  if (reports.length === 0) throw new StatementError(`${format}: no ${format === 'camt.053' ? 'Stmt' : 'Ntfctn'}`);
  const lines: StatementLine[] = [];
  const first = reports[0];
  for (const report of reports) {
    const statementAccount = accountId(report.Acct);
    for (const entry of list(report.Ntry)) {
      const where = `entry ${lines.length + 1}`;
      const direction = str(entry.CdtDbtInd) === 'DBIT' ? 'debit' : str(entry.CdtDbtInd) === 'CRDT' ? 'credit' : undefined;
      if (!direction) throw new StatementError(`${where}: CdtDbtInd must be CRDT or DBIT`);
      const { amount, currency } = amountOf(entry.Amt, where);
      const details = list(entry.NtryDtls).flatMap((d) => list(d.TxDtls));
      const tx = details[0] ?? {};
      const refs = obj(tx.Refs);
      const related = obj(tx.RltdPties);
      const agents = obj(tx.RltdAgts);
      const counterparty = direction === 'credit' ? { party: related.Dbtr, account: related.DbtrAcct, agent: agents.DbtrAgt } : { party: related.Cdtr, account: related.CdtrAcct, agent: agents.CdtrAgt };
      const own = direction === 'credit' ? related.CdtrAcct : related.DbtrAcct;
      const remittance = obj(tx.RmtInf);
      const ustrd = (Array.isArray(remittance.Ustrd) ? (remittance.Ustrd as unknown[]) : []).map(str).filter(Boolean).join(' ');
      const structured = str(obj(obj(remittance.Strd).CdtrRefInf).Ref);
      const returnInfo = obj(tx.RtrInf);
      const senderAccount = accountId(counterparty.account);
      lines.push({
        index: lines.length,
        amount,
        currency,
        direction,
        status: statusOf(entry.Sts),
        bookingDate: (str(obj(entry.BookgDt).Dt) ?? str(obj(entry.BookgDt).DtTm))?.slice(0, 10) ?? null,
        bankReference: str(refs.AcctSvcrRef) ?? str(entry.AcctSvcrRef) ?? str(entry.NtryRef),
        endToEndId: str(refs.EndToEndId) === 'NOTPROVIDED' ? null : str(refs.EndToEndId),
        reversal: str(entry.RvslInd) === 'true',
        returnReason: tx.RtrInf ? (str(obj(returnInfo.Rsn).Cd) ?? str(obj(returnInfo.Rsn).Prtry) ?? 'unknown') : null,
        account: accountId(own) ?? statementAccount,
        sender: {
          name: party(counterparty.party).name,
          iban: senderAccount && /^[A-Z]{2}\d{2}/.test(senderAccount) ? senderAccount : null,
          bic: bic(counterparty.agent),
          account: senderAccount,
          clearing: clearing(counterparty.agent),
        },
        reference: structured ?? (ustrd === '' ? null : ustrd),
        mentionedAccounts: [],
      });
    }
  }
  return { format, statementId: str(first.Id), account: accountId(first.Acct), currency: str(obj(first.Acct).Ccy)?.toLowerCase() ?? null, lines };
}
