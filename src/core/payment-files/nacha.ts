// A NACHA (ACH) file of PPD credits: the file a US merchant uploads to its bank to pay
// refunds and returns. 94-character records, one batch, an addenda record per entry carrying
// the refund's id, padded to a multiple of ten records. Pure: the same input, the same bytes.
import { latinize } from './latin.ts';
import type { OutboundPayment } from './pain001.ts';

export interface NachaOrigin {
  /** The merchant's bank (ODFI) routing number. */
  routingNumber: string;
  /** The name on the merchant's account. */
  name: string;
  /** Company identification the bank assigned (10 characters). */
  companyId: string;
  /** The bank's name for the file header's immediate destination name; blank when not known (the field is optional). */
  bankName?: string;
}

export interface NachaInput {
  origin: NachaOrigin;
  /** YYMMDD and HHMM of creation, UTC. */
  createdDate: string;
  createdTime: string;
  /** YYMMDD the credits should settle. */
  effectiveDate: string;
  /** A..Z, 0..9: the files of one originator made the same day, in order (the caller counts them). */
  fileIdModifier: string;
  payments: OutboundPayment[];
}

const RECORD = 94;

/** Printable ASCII in a fixed width; names upper-cased, ids kept as they are (they are case-sensitive). */
function alpha(text: string, width: number, keepCase = false): string {
  // A character banks do not take becomes a space; none is left at either end (a name starting with one would start blank).
  const plain = latinize(text).replace(/[^A-Za-z0-9 .,&\-/'()_]/g, ' ').trim();
  return (keepCase ? plain : plain.toUpperCase()).slice(0, width).padEnd(width, ' ');
}

function numeric(value: number | string, width: number): string {
  const text = String(value);
  if (!/^\d+$/.test(text) || text.length > width) throw new Error(`${text} does not fit ${width} digits`);
  return text.padStart(width, '0');
}

function record(...fields: string[]): string {
  const line = fields.join('');
  if (line.length !== RECORD) throw new Error(`NACHA record of ${line.length} characters: ${line}`);
  return line;
}

/** The individual id a NACHA entry carries for a payment: the last 15 characters of its id. */
export const achIndividualId = (paymentId: string): string => paymentId.slice(-15);

/** The addenda's 80 characters: the remittance, cut to fit, then the payment's whole id (what settlement and the merchant read). */
function addenda(payment: OutboundPayment): string {
  const id = alpha(payment.endToEndId, payment.endToEndId.length, true);
  const remittance = alpha(payment.remittance.replace(payment.endToEndId, ''), Math.max(0, 80 - id.length - 1), true).trimEnd();
  return alpha(remittance ? `${remittance} ${id}` : id, 80, true);
}

export function nachaFile(input: NachaInput): string {
  const odfi = input.origin.routingNumber.slice(0, 8);
  const lines: string[] = [];
  lines.push(record('1', '01', ` ${input.origin.routingNumber}`, ` ${input.origin.routingNumber}`, input.createdDate, input.createdTime, input.fileIdModifier, '094', '10', '1',
    alpha(input.origin.bankName ?? '', 23), alpha(input.origin.name, 23), ' '.repeat(8)));
  lines.push(record('5', '220', alpha(input.origin.name, 16), ' '.repeat(20), alpha(input.origin.companyId, 10), 'PPD', alpha('REFUND', 10), ' '.repeat(6), input.effectiveDate, '   ', '1', odfi, numeric(1, 7)));
  let hash = 0;
  let credits = 0;
  input.payments.forEach((payment, index) => {
    const creditor = payment.creditor;
    if (creditor.type !== 'us_bank_transfer') throw new Error(`NACHA does not carry ${creditor.type} payments`);
    const sequence = numeric(index + 1, 7);
    hash += Number(creditor.routing_number.slice(0, 8));
    credits += payment.amount;
    lines.push(record('6', '22', creditor.routing_number.slice(0, 8), creditor.routing_number[8], alpha(creditor.account_number, 17), numeric(payment.amount, 10),
      alpha(achIndividualId(payment.endToEndId), 15, true), // settlement maps it back to the payment
      alpha(creditor.account_holder_name, 22), '  ', '1', odfi, sequence));
    lines.push(record('7', '05', addenda(payment), numeric(1, 4), sequence));
  });
  const entries = input.payments.length * 2;
  const entryHash = numeric(hash % 10_000_000_000, 10);
  lines.push(record('8', '220', numeric(entries, 6), entryHash, numeric(0, 12), numeric(credits, 12), alpha(input.origin.companyId, 10), ' '.repeat(19), ' '.repeat(6), odfi, numeric(1, 7)));
  const blocks = Math.ceil((lines.length + 1) / 10);
  lines.push(record('9', numeric(1, 6), numeric(blocks, 6), numeric(entries, 8), entryHash, numeric(0, 12), numeric(credits, 12), ' '.repeat(39)));
  while (lines.length % 10 !== 0) lines.push('9'.repeat(RECORD));
  return `${lines.join('\n')}\n`;
}
