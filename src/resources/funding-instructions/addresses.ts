// Financial addresses of a virtual bank account, in the shapes of the published schema.
import { abaRoutingNumber, bicFor, clabeFor, ibanFor, type EuCountry } from '../../core/bank-details.ts';
import type { BankTransferType } from '../../core/money.ts';

export const ADDRESS_TYPES_BY_TRANSFER: Record<BankTransferType, string[]> = {
  eu_bank_transfer: ['iban'],
  gb_bank_transfer: ['sort_code'],
  jp_bank_transfer: ['zengin'],
  mx_bank_transfer: ['spei'],
  us_bank_transfer: ['aba', 'swift'],
};

export const COUNTRY_BY_TRANSFER: Record<Exclude<BankTransferType, 'eu_bank_transfer'>, string> = {
  gb_bank_transfer: 'GB',
  jp_bank_transfer: 'JP',
  mx_bank_transfer: 'MX',
  us_bank_transfer: 'US',
};

/** What a virtual account keeps: the numbers that identify it, generated once. */
export interface VirtualAccountNumbers {
  bank_transfer_type: BankTransferType;
  country: string;
  /** The number incoming transfers are routed by (IBAN, account number, CLABE). */
  account_number: string;
  routing?: string;
  /** Issued in a bank's range (virtual-account-ranges): that bank's name and BIC (EU) or SWIFT code (US, null: none). Absent: Cashbook's made-up test bank. */
  bank_name?: string;
  bic?: string | null;
}

const TEST_BANK = 'Cashbook Test Bank, N.A.';

export function generateNumbers(type: BankTransferType, country: string, digits: string): VirtualAccountNumbers {
  switch (type) {
    case 'eu_bank_transfer':
      return { bank_transfer_type: type, country, account_number: ibanFor(country as EuCountry, digits) };
    case 'gb_bank_transfer':
      return { bank_transfer_type: type, country, account_number: digits.slice(0, 8), routing: `10${digits.slice(8, 12)}` };
    case 'jp_bank_transfer':
      return { bank_transfer_type: type, country, account_number: digits.slice(0, 7), routing: `0009-${digits.slice(7, 10)}` };
    case 'mx_bank_transfer':
      return { bank_transfer_type: type, country, account_number: clabeFor('002', digits.slice(0, 14)) };
    case 'us_bank_transfer':
      return { bank_transfer_type: type, country, account_number: `1${digits.slice(0, 11)}`, routing: abaRoutingNumber(digits.slice(11, 19)) };
  }
}

export function financialAddresses(numbers: VirtualAccountNumbers, holderName: string, requested?: string[]): Record<string, unknown>[] {
  const all: Record<string, unknown>[] = [];
  const { account_number: number, routing, country } = numbers;
  switch (numbers.bank_transfer_type) {
    case 'eu_bank_transfer':
      all.push({ type: 'iban', supported_networks: ['sepa'], iban: { account_holder_name: holderName, bic: numbers.bic ?? bicFor(country as EuCountry), country, iban: number } });
      break;
    case 'gb_bank_transfer':
      all.push({ type: 'sort_code', supported_networks: ['bacs', 'fps'], sort_code: { account_holder_name: holderName, account_number: number, sort_code: routing } });
      break;
    case 'jp_bank_transfer': {
      const [bankCode, branchCode] = routing!.split('-');
      all.push({
        type: 'zengin',
        supported_networks: ['zengin'],
        zengin: { account_holder_name: holderName, account_number: number, account_type: 'futsu', bank_code: bankCode, bank_name: 'Cashbook Bank', branch_code: branchCode, branch_name: 'Virtual Branch' },
      });
      break;
    }
    case 'mx_bank_transfer':
      all.push({ type: 'spei', supported_networks: ['spei'], spei: { bank_code: number.slice(0, 3), bank_name: 'BANAMEX', clabe: number } });
      break;
    case 'us_bank_transfer': {
      const bankName = numbers.bank_name ?? TEST_BANK;
      all.push({ type: 'aba', supported_networks: ['ach', 'domestic_wire_us'], aba: { account_number: number, bank_name: bankName, routing_number: routing } });
      // A range without a SWIFT code takes no wires from abroad: no swift address to show.
      const swift = numbers.bank_name === undefined ? 'CASHUS33XXX' : numbers.bic;
      if (swift) all.push({ type: 'swift', supported_networks: ['swift'], swift: { account_number: number, bank_name: bankName, swift_code: swift } });
      break;
    }
  }
  return requested && requested.length > 0 ? all.filter((address) => requested.includes(address.type as string)) : all;
}
