// SWIFT MT940 (customer statement) and MT942 (interim report). A file holds one statement or
// several (each from its :20:, with its own :25: account and :60F: or :34F: currency). Each
// :61: is a line; the :86: after it is its detail: free text, the structured ?NN subfields
// German banks send (?20-?29 remittance with EREF+ / SVWZ+, ?30 BIC, ?31 account, ?32-?33 name),
// or the /CODE/ subfields of ING and Rabobank (/EREF/, /CNTP/account/BIC/name/city, /REMI/, /RTRN/).
import { currencyCode } from './currency.ts';
import { cut, keptLine, MAX_REFERENCE_LENGTH, minorUnits, normalizeAccount, quoted, realReference, StatementError, type ParsedStatement, type StatementLine } from './entry.ts';

const LINE61 = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15},\d{0,3})([SNF][A-Z0-9]{3})([^\n]*?)(?:\/\/([^\n]*))?(?:\n([\s\S]*))?$/;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;

function fields(text: string): [tag: string, value: string][] {
  const out: [string, string][] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const tag = /^:(\d{2}[A-Z]?):(.*)$/.exec(line);
    if (tag) out.push([tag[1], tag[2]]);
    // "-" (or "-}{5:…}") ends a message; "{1:…}{2:…}{4:" starts the next one.
    else if (out.length > 0 && !/^-(\}.*)?$/.test(line) && !line.startsWith('{') && line !== '') out[out.length - 1][1] += `\n${line}`;
  }
  return out;
}

/** What a :86: says of its line. `remittance`: the text IBANs are searched in, its subfields joined (an IBAN may be split across ?2x). */
interface Details86 {
  reference: string | null;
  endToEndId: string | null;
  name: string | null;
  account: string | null;
  bic: string | null;
  returnReason: string | null;
  remittance: string;
}

/** The reading of imports before 2026-12-05: German ?NN subfields, else the whole text as the reference (kept for the identities of lines without a bank reference). */
function germanOrFree86(text: string, where: string): Details86 {
  const flat = text.replace(/\n/g, '');
  if (/^\d{3}\?/.test(flat) || flat.startsWith('?')) {
    const sub: Record<string, string[]> = {};
    for (const match of flat.matchAll(/\?(\d{2})([^?]*)/g)) (sub[match[1]] ??= []).push(match[2]);
    const remittance = ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29'].flatMap((k) => sub[k] ?? []).join('');
    const eref = /EREF\+(.*?)(?=[A-Z]{4}\+|$)/.exec(remittance)?.[1]?.trim() ?? null;
    const svwz = /SVWZ\+(.*?)(?=[A-Z]{4}\+|$)/.exec(remittance)?.[1]?.trim() ?? null;
    return {
      reference: svwz ?? (remittance.replace(/[A-Z]{4}\+/g, ' ').trim() || null),
      endToEndId: realReference(eref),
      name: [...(sub['32'] ?? []), ...(sub['33'] ?? [])].join('').trim() || null,
      account: normalizeAccount(sub['31']?.[0], where),
      bic: sub['30']?.[0]?.trim() || null,
      returnReason: null,
      remittance,
    };
  }
  return { reference: text.replace(/\s+/g, ' ').trim() || null, endToEndId: null, name: null, account: null, bic: null, returnReason: null, remittance: '' };
}

/**
 * The codewords of the structured :86: ING (and Rabobank) write: `/EREF/e2e//CNTP/account/BIC/
 * name/city//REMI/USTD//text/`, each value up to the next `/CODE/` (`//` between them). REMI's
 * own words (USTD, STRD, CDTRREFTP, CD, SCOR, ISSR, CUR, CDTRREF) stay inside its value.
 */
const STRUCTURED_CODES = ['RTRN', 'CREF', 'EREF', 'PREF', 'IREF', 'MARF', 'CSID', 'CNTP', 'REMI', 'PURP', 'ULTC', 'ULTD', 'ULTB', 'EXCH', 'CHGS', 'BENM', 'ORDP', 'NAME', 'ID', 'ADDR', 'ISDT', 'ACCW', 'SUM'];
const STRUCTURED_CODE = new RegExp(`/(${STRUCTURED_CODES.join('|')})/`, 'g');

/** Each codeword's value, when the text is structured (it starts with one of them); else null. */
function structuredSubfields(flat: string): Map<string, string> | null {
  const found = [...flat.matchAll(STRUCTURED_CODE)].filter((m) => m.index === 0 || flat[m.index - 1] === '/');
  if (found.length === 0 || found[0].index !== 0) return null;
  const values = new Map<string, string>();
  found.forEach((match, i) => {
    const end = i + 1 < found.length ? found[i + 1].index - 1 : flat.length; // the next code's leading `/` closes this value
    if (!values.has(match[1])) values.set(match[1], flat.slice(match.index + match[0].length, Math.max(end, match.index + match[0].length)).replace(/\/+$/, '').trim());
  });
  return values;
}

/** REMI: `USTD//free text`, `STRD/CUR/ref` or `STRD/CDTRREFTP//CD/SCOR//ISSR/CUR//CDTRREF/ref` (the creditor reference), else the text as given (Rabobank). */
function structuredRemittance(value: string | undefined): string | null {
  if (value === undefined) return null;
  const unstructured = /^USTD\/+(.*)$/s.exec(value);
  if (unstructured) return unstructured[1].trim() || null;
  if (/^STRD\//.test(value)) {
    const reference = /CDTRREF\/+([^/]+)/.exec(value)?.[1] ?? /(?:^|\/)CUR\/+([^/]+)/.exec(value.replace(/ISSR\/+CUR\/+/, ''))?.[1];
    return reference?.trim() || null;
  }
  return value.replace(/\s+/g, ' ').trim() || null;
}

/** ING's structured :86: (Rabobank's alike): `/EREF/`, `/CNTP/` (or Rabobank's `/NAME/`), `/REMI/`, `/RTRN/` return reason. */
function structured86(values: Map<string, string>, where: string): Details86 {
  const counterparty = (values.get('CNTP') ?? '').split('/');
  // CNTP is account/BIC/name/city; a name holding `/` keeps it.
  const name = counterparty.length >= 4 ? counterparty.slice(2, -1).join('/') : (counterparty[2] ?? '');
  const reference = structuredRemittance(values.get('REMI'));
  const returnCode = /^[A-Z0-9]{4}/.exec(values.get('RTRN') ?? '')?.[0] ?? null;
  return {
    reference,
    endToEndId: customerReference(values.get('EREF')),
    name: name.trim() || values.get('NAME')?.trim() || null,
    account: normalizeAccount(counterparty[0], where),
    bic: counterparty[1]?.trim() || null,
    returnReason: returnCode,
    remittance: values.get('REMI') ?? '',
  };
}

function details86(text: string, where: string): Details86 {
  const values = structuredSubfields(text.replace(/\n/g, ''));
  return values ? structured86(values, where) : germanOrFree86(text, where);
}

/**
 * The :61: customer reference (and ING's /EREF/) as an end-to-end id: never a placeholder,
 * nor the codeword ING writes there to say where the reference is (EREF, PREF, MARF, …).
 */
function customerReference(text: string | null | undefined): string | null {
  const reference = realReference(text);
  return reference && STRUCTURED_CODES.includes(reference.toUpperCase()) ? null : reference;
}

function isoDate(yymmdd: string): string {
  const year = Number(yymmdd.slice(0, 2));
  return `${year >= 80 ? 1900 + year : 2000 + year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

type Field = [tag: string, value: string];

/** The statements of a file: each starts at its :20: (a file may hold one per account). */
function statementBlocks(all: Field[]): Field[][] {
  const blocks: Field[][] = [];
  for (const field of all) {
    if (field[0] === '20' || blocks.length === 0) blocks.push([]);
    blocks[blocks.length - 1].push(field);
  }
  return blocks;
}

/** A statement's own account (:25:, the part after a bank code and `/`) and currency (:60F:/:60M:, MT942 :34F:). */
function statementHeader(block: Field[], number: number): { id: string | null; account: string | null; currency: string; formerAccount?: string } {
  const where = `MT940 statement ${number}`;
  const rawAccount = block.find(([tag]) => tag === '25')?.[1].trim();
  if (!rawAccount) throw new StatementError(`${where}: the :25: account is required`);
  const opening = block.find(([tag]) => tag === '60F' || tag === '60M' || tag === '34F');
  const code = opening && (/^(?:[CD]\d{6}|[CD]?)([A-Z]{3})/.exec(opening[1]) ?? /([A-Z]{3})/.exec(opening[1]))?.[1];
  if (!code) throw new StatementError(`${where}: the currency of :60F: (or :34F: in MT942) is required`);
  const currency = currencyCode(code, `${where} :${opening[0]}:`);
  const written = normalizeAccount(rawAccount.includes('/') ? rawAccount.split('/').pop() : rawAccount, `${where} :25:`);
  // Some banks (ING) write the currency after the account: NL20INGB0001234567EUR.
  const suffix = currency.toUpperCase();
  const account = written && written.length > 3 && written.endsWith(suffix) && /\d$/.test(written.slice(0, -3)) ? written.slice(0, -3) : written;
  return { id: cut(block.find(([tag]) => tag === '20')?.[1].trim() ?? null, MAX_REFERENCE_LENGTH), account, currency, ...(written !== account && written ? { formerAccount: written } : {}) };
}

/** The details imports before 2026-12-05 read (ING's structured :86: as free text, its EREF placeholder as the end-to-end id), when they differ: see StatementLine.formerDetails. */
function formerDetails(info: string, customerRef: string, now: NonNullable<StatementLine['formerDetails']>, where: string): { formerDetails?: StatementLine['formerDetails'] } {
  const before = germanOrFree86(info, where);
  const then = { reference: before.reference, endToEndId: before.endToEndId ?? realReference(customerRef), name: before.name, account: before.account };
  const same = then.reference === now.reference && then.endToEndId === now.endToEndId && then.name === now.name && then.account === now.account;
  return same ? {} : { formerDetails: then };
}

function statementLine(value: string, info: string, header: { account: string | null; currency: string; formerAccount?: string }, index: number): StatementLine {
  const where = `:61: line ${index + 1}`;
  const match = LINE61.exec(value);
  if (!match) throw new StatementError(`${where}: ${quoted(value.split('\n')[0])} is not a :61: statement line`);
  const [, valueDate, , mark, , amountText, , customerRef, bankRef] = match;
  const detail = details86(info, where);
  // An IBAN in the text, or in the remittance joined from its subfields (?21 … ?22 may split one).
  const searched = [info.toUpperCase().replace(/\n/g, ' '), detail.remittance.toUpperCase()];
  const mentioned = [...new Set(searched.flatMap((text) => [...text.matchAll(IBAN)].map((m) => m[0].replace(/ /g, ''))))];
  const bankReference = realReference(bankRef);
  const endToEndId = detail.endToEndId ?? customerReference(customerRef);
  return {
    index,
    amount: minorUnits(amountText, header.currency, where),
    currency: header.currency,
    direction: mark === 'C' || mark === 'RD' ? 'credit' : 'debit',
    status: 'booked',
    bookingDate: isoDate(valueDate),
    bankReference,
    uniqueReference: bankReference,
    endToEndId,
    reversal: mark === 'RC' || mark === 'RD',
    returnReason: detail.returnReason,
    account: header.account,
    sender: { name: detail.name, iban: detail.account && /^[A-Z]{2}\d{2}/.test(detail.account) ? detail.account : null, bic: detail.bic, account: detail.account, clearing: null },
    reference: detail.reference,
    mentionedAccounts: mentioned.filter((iban) => iban !== header.account),
    ...(mark === 'RC' || mark === 'RD' ? { reversedParties: detail.account ? [detail.account] : [] } : {}),
    legacyReference: bankRef?.trim() || null,
    ...(header.formerAccount ? { formerAccount: header.formerAccount } : {}),
    ...formerDetails(info, customerRef, { reference: detail.reference, endToEndId, name: detail.name, account: detail.account }, where),
    batchPosition: null,
    network: null,
  };
}

/** A balance field (:60F:, :62F:, …: `C261130EUR1234,56`) in signed minor units. */
function balance(value: string, where: string): number {
  const match = /^([CD])(\d{6})([A-Z]{3})(\d{1,15},\d{0,3})/.exec(value.trim());
  if (!match) throw new StatementError(`${where}: ${quoted(value.split('\n')[0])} is not a balance (C or D, YYMMDD, currency, amount)`);
  const amount = minorUnits(match[4], currencyCode(match[3], where), where);
  return match[1] === 'D' ? -amount : amount;
}

/**
 * An MT940 statement must close (:62F:, or :62M: on a page that continues) and its lines must
 * take the opening balance to the closing one: a file cut off or altered in transit is refused
 * whole instead of booking part of it or a wrong amount. MT942 has no balances to check.
 */
function checkBalances(block: Field[], lines: StatementLine[], number: number): void {
  const where = `MT940 statement ${number}`;
  const opening = block.find(([tag]) => tag === '60F' || tag === '60M');
  if (!opening) return; // MT942 (an interim report: :34F:, no balances)
  const closing = block.find(([tag]) => tag === '62F' || tag === '62M');
  if (!closing) throw new StatementError(`${where}: the closing balance (:62F:) is missing: the file may be cut off`);
  const from = balance(opening[1], `${where} :${opening[0]}:`);
  const to = balance(closing[1], `${where} :${closing[0]}:`);
  const moved = lines.reduce((sum, line) => sum + (line.direction === 'credit' ? line.amount : -line.amount), 0);
  if (from + moved !== to) {
    throw new StatementError(`${where}: its lines do not take the opening balance to the closing one (${from} ${moved >= 0 ? '+' : '-'} ${Math.abs(moved)} is not ${to} minor units): the file may be incomplete or altered`);
  }
}

/** Every statement of the file, each :61: line with its own statement's account and currency. */
export function parseMt940(text: string): ParsedStatement {
  const blocks = statementBlocks(fields(text));
  const headers = blocks.map((block, i) => statementHeader(block, i + 1));
  const lines: StatementLine[] = [];
  blocks.forEach((block, b) => {
    const own: StatementLine[] = [];
    block.forEach(([tag, value], position) => {
      if (tag !== '61') return;
      const next = block[position + 1];
      own.push(keptLine(statementLine(value, next && next[0] === '86' ? next[1] : '', headers[b], lines.length + own.length)));
    });
    checkBalances(block, own, b + 1);
    lines.push(...own);
  });
  const first = headers[0];
  // An interim report (MT942) has a floor limit (:34F:) and no opening balance.
  const interim = !blocks[0].some(([tag]) => tag === '60F' || tag === '60M') && blocks[0].some(([tag]) => tag === '34F');
  return { format: interim ? 'mt942' : 'mt940', statementId: first.id, account: first.account, currency: first.currency, lines };
}
