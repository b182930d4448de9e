// Which format a file is, told by its content (a Content-Type is only a hint).
import { parseBai2 } from './bai2.ts';
import { parseCamt } from './camt.ts';
import { StatementError, type ParsedStatement } from './entry.ts';
import { parseMt940 } from './mt940.ts';

export function parseStatement(text: string): ParsedStatement {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) return parseCamt(body);
  if (body.startsWith('01,')) return parseBai2(body);
  if (/(^|\n|\{4:\s*\n?):20:/.test(body) && body.includes(':25:')) return parseMt940(body);
  throw new StatementError('not a bank statement Cashbook reads: send camt.053 or camt.054 (XML), MT940/MT942, or BAI2');
}
