// BAI2 (the US cash management format): 01 file, 02 group, 03 account (number, currency),
// 16 transactions (type code, amount in minor units without a decimal point, funds type,
// bank reference, customer reference, text), 88 continuations. Credits are type codes
// 100-399, debits 400-699; 700 and up (custom) are information.
import { MAX_LINE_AMOUNT, normalizeAccount, realReference, StatementError, type ParsedStatement, type StatementLine } from './entry.ts';

/** Incoming wire (money transfer) credits: individual internal and incoming money transfers, their adjustments, book transfers, international money transfers. */
const WIRE_CODES = new Set(['191', '195', '196', '206', '208']);

/**
 * The network of a BAI2 credit, from its type code: the wire codes above are
 * `domestic_wire_us`; everything else (the ACH codes 142, 143, 145, 164-169, and codes that
 * do not say, such as 108 "credit (any type)") is `ach`.
 */
export function bai2Network(typeCode: string): 'ach' | 'domestic_wire_us' {
  return WIRE_CODES.has(typeCode) ? 'domestic_wire_us' : 'ach';
}

/**
 * The sender's name in a 16 record's text, when the bank writes it in one of the usual
 * shapes: after `ORIG CO NAME:`, `ORIGINATOR:`, `ORIG:` or `B/O:` (or with `=`), or after
 * `B/O ` alone; up to the next keyword (an upper-case word, or `ORIG ID`, `DESC DATE`,
 * `CO ENTRY DESCR`, `IND ID`, `IND NAME`, then `:` or `=`) or the end. Otherwise null.
 */
export function bai2SenderName(text: string | null): string | null {
  if (!text) return null;
  // Bounded: the pattern backtracks over runs of spaces, and a name is never this long.
  const match = /(?:^|\s)(?:(?:ORIG CO NAME|ORIGINATOR|ORIG|B\/O)\s*[:=]|B\/O\s)\s*(.+?)(?=\s+(?:ORIG ID|DESC DATE|CO ENTRY DESCR|IND ID|IND NAME|[A-Z][A-Z/#]{1,20})\s*[:=]|$)/.exec(text.slice(0, 1024));
  const name = match?.[1]?.trim();
  return name ? name : null;
}

/** A record with the 88 continuations that follow it, each physical line split into its fields. */
type Record = string[][];

function records(text: string): Record[] {
  const out: Record[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim().replace(/\/$/, '');
    if (line === '') continue;
    if (line.startsWith('88,')) {
      if (out.length === 0) throw new StatementError('BAI2: a continuation (88) before any record');
      out[out.length - 1].push(line.slice(3).split(','));
    } else out.push([line.split(',')]);
  }
  return out;
}

/** The text field of a 16 record: the fields from `textIndex` on, a line's parts joined by commas, its continuations by a space. */
function transactionText(record: Record, textIndex: number): string | null {
  const parts: string[] = [];
  let seen = 0;
  for (const fields of record) {
    const from = Math.max(0, textIndex - seen);
    if (from < fields.length) parts.push(fields.slice(from).join(',').trim());
    seen += fields.length;
  }
  const text = parts.filter((part) => part !== '').join(' ');
  return text === '' ? null : text;
}

function transaction(record: Record, where: string, account: string, currency: string, bookingDate: string | null, index: number): StatementLine {
  const fields = record.flat();
  const type = fields[1] ?? '';
  if (!/^\d{3}$/.test(type)) throw new StatementError(`${where}: "${type}" is not a BAI2 type code`);
  if (!/^\d{1,15}$/.test(fields[2] ?? '')) throw new StatementError(`${where}: "${fields[2]}" is not a BAI2 amount (digits, no decimal point)`);
  const amount = Number(fields[2]);
  if (amount > MAX_LINE_AMOUNT) throw new StatementError(`${where}: ${fields[2]} is above the largest amount Cashbook books`);
  const funds = (fields[3] ?? '').toUpperCase();
  const skip = funds === 'S' ? 3 : funds === 'V' ? 2 : funds === 'D' ? 1 + 2 * Number(fields[4] ?? 0) : 0;
  const bankReference = realReference(fields[4 + skip]);
  const customerReference = realReference(fields[5 + skip]);
  const text = transactionText(record, 6 + skip);
  const code = Number(type);
  return {
    index,
    amount,
    currency,
    direction: code < 400 ? 'credit' : 'debit',
    status: code >= 100 && code < 700 ? 'booked' : 'info',
    bookingDate,
    bankReference,
    uniqueReference: bankReference,
    endToEndId: customerReference,
    reversal: false,
    returnReason: null,
    account,
    sender: { name: bai2SenderName(text), iban: null, bic: null, account: null, clearing: null },
    reference: customerReference ?? text,
    mentionedAccounts: [],
    legacyReference: fields[4 + skip]?.trim() || null,
    batchPosition: null,
    network: bai2Network(type),
  };
}

export function parseBai2(text: string): ParsedStatement {
  const all = records(text);
  const header = all[0]?.flat() ?? [];
  if (header[0] !== '01') throw new StatementError('BAI2: the file must start with a 01 file header');
  let groupCurrency = 'usd';
  let account: string | null = null;
  let currency = 'usd';
  let firstAccount: string | null = null;
  let groupDate: string | null = null;
  const lines: StatementLine[] = [];
  for (const [recordIndex, record] of all.entries()) {
    const fields = record.flat();
    const where = `BAI2 record ${recordIndex + 1}`;
    switch (fields[0]) {
      case '02':
        groupCurrency = (fields[6] || 'USD').toLowerCase();
        groupDate = fields[4] && /^\d{6}$/.test(fields[4]) ? `20${fields[4].slice(0, 2)}-${fields[4].slice(2, 4)}-${fields[4].slice(4, 6)}` : null;
        break;
      case '03':
        account = normalizeAccount(fields[1]);
        if (!account) throw new StatementError(`${where}: the 03 account record needs an account number`);
        firstAccount ??= account;
        currency = (fields[2] || groupCurrency).toLowerCase();
        break;
      case '16':
        if (!account) throw new StatementError(`${where}: a 16 transaction before any 03 account record`);
        lines.push(transaction(record, where, account, currency, groupDate, lines.length));
        break;
      default:
        break;
    }
  }
  return { format: 'bai2', statementId: header[5] ?? null, account: firstAccount, currency, lines };
}
