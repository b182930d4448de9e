// Sample sender details for simulated transfers, one shape per transfer type.
import type { BankTransferType } from '../../core/money.ts';

export function sampleSender(type: BankTransferType): Record<string, unknown> {
  switch (type) {
    case 'eu_bank_transfer':
      return { eu_bank_transfer: { bic: 'BANKDEAAXXX', iban_last4: '7089', sender_name: 'Sample Business GmbH' } };
    case 'gb_bank_transfer':
      return { gb_bank_transfer: { account_number_last4: '5678', sender_name: 'Sample Business Ltd', sort_code: '108800' } };
    case 'jp_bank_transfer':
      return { jp_bank_transfer: { sender_bank: 'Sample Bank', sender_branch: 'Main Branch', sender_name: 'SAMPLE KK' } };
    case 'us_bank_transfer':
      return { us_bank_transfer: { network: 'ach', sender_name: 'Sample Business Inc.' } };
    case 'mx_bank_transfer':
      // The published schema has no mx_bank_transfer sender hash; only the type is sent.
      return {};
  }
}
