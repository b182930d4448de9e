// BAI2 (the US cash management format): 01 file, 02 group, 03 account (number, currency),
// 16 transactions (type code, amount in minor units without a decimal point, funds type,
// bank reference, customer reference, text), 88 continuations. Credits are type codes
// 100-399, debits 400-699; 700 and up (custom) are information.
import { currencyCode } from './currency.ts';
import { cut, keptLine, MAX_REFERENCE_LENGTH, normalizeAccount, quoted, realReference, StatementError, type ParsedStatement, type StatementLine } from './entry.ts';

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

/**
 * A credit that is an ACH entry sent back: type code 168 (ACH return item), or a text saying
 * RETURN with a NACHA return code (`ACH RETURN R03`). Its code, or `unknown` when it gives none;
 * null for any other line. Such a credit fails the payment it names instead of funding anyone
 * (read from the text, only when it names one: `ORIG CO NAME:RETURN R10 LLC` still funds).
 */
export function achReturnReason(typeCode: string, text: string | null): string | null {
  const code = /\bR\d{2}\b/.exec(text ?? '')?.[0] ?? null;
  if (typeCode === '168') return code ?? 'unknown';
  return code && /\bRETURN/i.test(text ?? '') ? code : null;
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
  if (!/^\d{3}$/.test(type)) throw new StatementError(`${where}: ${quoted(type)} is not a BAI2 type code`);
  if (!/^\d{1,15}$/.test(fields[2] ?? '')) throw new StatementError(`${where}: ${quoted(fields[2] ?? '')} is not a BAI2 amount (digits, no decimal point)`);
  const amount = Number(fields[2]);
  const funds = (fields[3] ?? '').toUpperCase();
  const skip = fundsTypeFields(funds, fields[4], where);
  const bankReference = realReference(fields[4 + skip]);
  const customerReference = realReference(fields[5 + skip]);
  const text = transactionText(record, 6 + skip);
  const returnReason = achReturnReason(type, text);
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
    returnReason,
    ...(type !== '168' && returnReason !== null ? { returnInferred: true } : {}),
    account,
    sender: { name: bai2SenderName(text), iban: null, bic: null, account: null, clearing: null },
    reference: customerReference ?? text,
    mentionedAccounts: [],
    legacyReference: fields[4 + skip]?.trim() || null,
    batchPosition: null,
    network: bai2Network(type),
  };
}

/**
 * How many fields a funds type adds after itself: S three (immediate, one-day, two-day), V two
 * (value date, time), D one count and a (days, amount) pair per distribution; the count must be
 * a plain number, or the fields after it cannot be told apart.
 */
function fundsTypeFields(funds: string, count: string | undefined, where: string): number {
  if (funds === 'S') return 3;
  if (funds === 'V') return 2;
  if (funds !== 'D') return 0;
  if (!/^\d{1,3}$/.test((count ?? '').trim())) throw new StatementError(`${where}: the funds type D needs its number of distributions, not ${quoted(count ?? '')}`);
  return 1 + 2 * Number(count);
}

/** A signed BAI2 amount (`-1234`, `+5`, `77`; empty is none) as an exact integer. */
function signedAmount(text: string | undefined, where: string): bigint {
  const value = (text ?? '').trim();
  if (value === '') return 0n;
  if (!/^[+-]?\d{1,18}$/.test(value)) throw new StatementError(`${where}: ${quoted(value)} is not a BAI2 amount`);
  return BigInt(value);
}

/** The sum of the amounts of an 03 record's summary and status fields (type, amount, item count, funds type and its extra fields, repeated). */
function accountRecordTotal(fields: string[], where: string): bigint {
  let total = 0n;
  for (let i = 3; i < fields.length; ) {
    total += signedAmount(fields[i + 1], where);
    const funds = (fields[i + 3] ?? '').toUpperCase();
    i += 4 + fundsTypeFields(funds, fields[i + 4], where);
  }
  return total;
}

/**
 * The whole file, checked as BAI2 requires: each account closes with a 49 whose control total
 * is the sum of the amounts of its 03 and 16 records, each group with a 98 (the sum of its
 * accounts'), the file with a 99 (the sum of its groups') as its last record. A file cut off or
 * altered in transit is refused whole instead of booking part of it. (The record counts are
 * not checked: banks count them differently.)
 */
export function parseBai2(text: string): ParsedStatement {
  const all = records(text);
  const header = all[0]?.flat() ?? [];
  if (header[0] !== '01') throw new StatementError('BAI2: the file must start with a 01 file header');
  let groupCurrency = 'usd';
  let account: string | null = null;
  let currency = 'usd';
  let firstAccount: string | null = null;
  let groupDate: string | null = null;
  let accountTotal: bigint | null = null;
  let groupTotal: bigint | null = null;
  let fileTotal = 0n;
  let ended = false;
  const lines: StatementLine[] = [];
  /** A trailer's control total (its second field) must be the sum of what it closes. */
  const checkTotal = (fields: string[], where: string, record: string, sum: bigint) => {
    const said = signedAmount(fields[1], where);
    if (said !== sum) throw new StatementError(`${where}: the ${record} control total ${said} is not the sum of what it closes (${sum}): the file may be incomplete or altered`);
  };
  for (const [recordIndex, record] of all.entries()) {
    const fields = record.flat();
    const where = `BAI2 record ${recordIndex + 1}`;
    if (ended) throw new StatementError(`${where}: a record after the 99 file trailer`);
    switch (fields[0]) {
      case '02':
        if (groupTotal !== null) throw new StatementError(`${where}: a 02 group header before the 98 trailer of the group before it`);
        groupTotal = 0n;
        groupCurrency = currencyCode(fields[6]?.trim() || 'USD', `${where} (the 02 group's currency)`);
        groupDate = fields[4] && /^\d{6}$/.test(fields[4]) ? `20${fields[4].slice(0, 2)}-${fields[4].slice(2, 4)}-${fields[4].slice(4, 6)}` : null;
        break;
      case '03':
        if (groupTotal === null) throw new StatementError(`${where}: a 03 account record outside a group (02)`);
        if (accountTotal !== null) throw new StatementError(`${where}: a 03 account record before the 49 trailer of the account before it`);
        account = normalizeAccount(fields[1], where);
        if (!account) throw new StatementError(`${where}: the 03 account record needs an account number`);
        firstAccount ??= account;
        currency = fields[2]?.trim() ? currencyCode(fields[2], `${where} (the 03 account's currency)`) : groupCurrency;
        accountTotal = accountRecordTotal(fields, where);
        break;
      case '16':
        if (!account || accountTotal === null) throw new StatementError(`${where}: a 16 transaction outside an account (03 … 49)`);
        lines.push(keptLine(transaction(record, where, account, currency, groupDate, lines.length)));
        accountTotal += BigInt(fields[2]);
        break;
      case '49': {
        if (accountTotal === null || groupTotal === null) throw new StatementError(`${where}: a 49 account trailer without its 03 account record`);
        checkTotal(fields, where, '49 account', accountTotal);
        groupTotal += accountTotal;
        accountTotal = null;
        break;
      }
      case '98': {
        if (groupTotal === null || accountTotal !== null) throw new StatementError(`${where}: a 98 group trailer ${groupTotal === null ? 'without its 02 group header' : 'before the 49 trailer of its last account'}`);
        checkTotal(fields, where, '98 group', groupTotal);
        fileTotal += groupTotal;
        groupTotal = null;
        break;
      }
      case '99': {
        if (groupTotal !== null) throw new StatementError(`${where}: the 99 file trailer before the 98 trailer of the last group`);
        checkTotal(fields, where, '99 file', fileTotal);
        ended = true;
        break;
      }
      default:
        break;
    }
  }
  if (!ended) throw new StatementError('BAI2: the 99 file trailer is missing: the file may be cut off');
  return { format: 'bai2', statementId: cut(header[5] ?? null, MAX_REFERENCE_LENGTH), account: firstAccount, currency, lines };
}
