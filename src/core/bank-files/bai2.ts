// BAI2 (the US cash management format): 01 file, 02 group, 03 account (number, currency),
// 16 transactions (type code, amount in minor units without a decimal point, funds type,
// bank reference, customer reference, text), 88 continuations. Credits are type codes
// 100-399, debits 400-699, 900 and up are information.
import { MAX_LINE_AMOUNT, normalizeAccount, StatementError, type ParsedStatement, type StatementLine } from './entry.ts';

function records(text: string): string[][] {
  const out: string[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('88,')) {
      if (out.length === 0) throw new StatementError('BAI2: a continuation (88) before any record');
      out[out.length - 1] = `${out[out.length - 1].replace(/\/$/, '')},${line.slice(3)}`;
    } else out.push(line);
  }
  return out.map((record) => record.replace(/\/$/, '').split(','));
}

export function parseBai2(text: string): ParsedStatement {
  const all = records(text);
  if (all[0]?.[0] !== '01') throw new StatementError('BAI2: the file must start with a 01 file header');
  let groupCurrency = 'usd';
  let account: string | null = null;
  let currency = 'usd';
  let firstAccount: string | null = null;
  let groupDate: string | null = null;
  const lines: StatementLine[] = [];
  for (const [recordIndex, record] of all.entries()) {
    const where = `BAI2 record ${recordIndex + 1}`;
    switch (record[0]) {
      case '02':
        groupCurrency = (record[6] || 'USD').toLowerCase();
        groupDate = record[4] && /^\d{6}$/.test(record[4]) ? `20${record[4].slice(0, 2)}-${record[4].slice(2, 4)}-${record[4].slice(4, 6)}` : null;
        break;
      case '03':
        account = normalizeAccount(record[1]);
        if (!account) throw new StatementError(`${where}: the 03 account record needs an account number`);
        firstAccount ??= account;
        currency = (record[2] || groupCurrency).toLowerCase();
        break;
      case '16': {
        if (!account) throw new StatementError(`${where}: a 16 transaction before any 03 account record`);
        const type = Number(record[1]);
        if (!Number.isInteger(type) || !/^\d{3}$/.test(record[1])) throw new StatementError(`${where}: "${record[1]}" is not a BAI2 type code`);
        if (!/^\d{1,15}$/.test(record[2] ?? '')) throw new StatementError(`${where}: "${record[2]}" is not a BAI2 amount (digits, no decimal point)`);
        const amount = Number(record[2]);
        if (amount > MAX_LINE_AMOUNT) throw new StatementError(`${where}: ${record[2]} is above the largest amount Cashbook books`);
        const funds = (record[3] ?? '').toUpperCase();
        const skip = funds === 'S' ? 3 : funds === 'V' ? 2 : funds === 'D' ? 1 + 2 * Number(record[4] ?? 0) : 0;
        const rest = record.slice(4 + skip);
        const [bankRef, customerRef, ...textParts] = rest;
        const info = textParts.join(',').trim();
        lines.push({
          index: lines.length,
          amount,
          currency,
          direction: type < 400 ? 'credit' : 'debit',
          status: type >= 100 && type < 700 ? 'booked' : 'info',
          bookingDate: groupDate,
          bankReference: bankRef?.trim() || null,
          endToEndId: customerRef?.trim() || null,
          reversal: false,
          returnReason: null,
          account,
          sender: { name: null, iban: null, bic: null, account: null, clearing: null },
          reference: info === '' ? null : info,
          mentionedAccounts: [],
        });
        break;
      }
      default:
        break;
    }
  }
  return { format: 'bai2', statementId: all[0][5] ?? null, account: firstAccount, currency, lines };
}
