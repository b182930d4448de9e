// Reading a statement file, pure and on whichever thread calls it (reader.ts may run it in a
// worker): its text (detect.ts: by its BOM, its XML declaration, else UTF-8 or Windows-1252),
// what it says, and how imports before 2026-12-04 read it; or the 400 of a file that cannot
// be read. Nothing here touches the store.
import { decodeStatement, parseStatement } from '../../core/bank-files/detect.ts';
import { StatementError, type ParsedStatement } from '../../core/bank-files/entry.ts';
import { ApiError } from '../../core/errors.ts';

export interface StatementReading {
  text: string;
  parsed: ParsedStatement;
  /** The file as imports before 2026-12-04 read it, when that differs (service.ts formerIdentities). */
  formerly?: ParsedStatement;
}

export function readStatementFile(bytes: Uint8Array): StatementReading {
  const text = decodeOrRefuse(bytes);
  if (text.trim() === '') throw new ApiError('Send the statement file as the request body.', { param: 'file' });
  const parsed = parseOrRefuse(text);
  return { text, parsed, formerly: formerReading(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), text) };
}

function refusing<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof StatementError) throw new ApiError(`This statement cannot be imported: ${error.message}. Nothing was booked.`, { param: 'file' });
    throw error;
  }
}

function parseOrRefuse(text: string): ParsedStatement {
  return refusing(() => parseStatement(text));
}

/** The file as imports before 2026-12-04 read it (as UTF-8, whatever its encoding), when that differs from `text` and parses. */
function formerReading(bytes: Buffer, text: string): ParsedStatement | undefined {
  const lossy = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (lossy === text) return undefined;
  try {
    return parseStatement(lossy);
  } catch {
    return undefined; // it did not import then either
  }
}

/** The file's text (detect.ts: by its BOM, its XML declaration, else UTF-8 or Windows-1252), or the 400 of a file that cannot be read. */
function decodeOrRefuse(bytes: Uint8Array): string {
  return refusing(() => decodeStatement(bytes));
}
