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

/**
 * The file's text from its bytes: by its byte-order mark, else by an XML declaration's
 * `encoding` (German banks often send ISO-8859-1), else UTF-8; when the bytes are not valid
 * UTF-8, an MT940 or BAI2 file is read as Windows-1252 (a superset of ISO-8859-1's printable
 * characters: Latin-1 files), XML as UTF-8 with U+FFFD for the stray bytes.
 */
export function decodeStatement(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(declared, { fatal: true });
    } catch {
      throw new StatementError(`the XML declares the encoding ${declared}, which Cashbook cannot read: send UTF-8 or ISO-8859-1`);
    }
    try {
      return decoder.decode(bytes);
    } catch {
      throw new StatementError(`the file is not valid ${declared} text`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // XML is UTF-8 unless it says otherwise: a stray byte reads as U+FFFD, as it always did, rather than refusing the file.
    if (/^\s*</.test(head)) return new TextDecoder('utf-8').decode(bytes);
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
