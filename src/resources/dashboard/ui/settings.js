// The account's settings, which no Stripe route reads or sets: its display name, country and
// default reconciliation mode (GET/POST /cashbook/v1/account), the merchant's own bank account
// per currency that payment files pay from (/cashbook/v1/merchant_bank_accounts), and the
// ranges of virtual account numbers the bank issued (/cashbook/v1/virtual_account_ranges),
// without which live mode gives no customer bank details. Each change is reviewed, then sent.
import { api, isLiveKey } from './api.js';
import { button, details, el, field, idText, select, sortCodeText, table, time } from './dom.js';
import { openAction } from './dialog.js';
import { CASH_CURRENCIES, EU_COUNTRIES, PAYOUT_CURRENCIES, TRANSFER_TYPE } from './money.js';

const MODES = [['automatic', 'Automatic'], ['manual', 'Manual']];
const modeName = (mode) => MODES.find(([value]) => value === mode)?.[1] ?? mode;
const none = (text = 'none') => el('span', { class: 'muted' }, text);
const typed = (input) => input.value.trim();
/** A list of codes as a sentence says them: "GBP and USD", "EUR, GBP and USD". */
const spoken = (codes, joiner = 'and') => (codes.length < 2 ? codes.join('') : `${codes.slice(0, -1).join(', ')} ${joiner} ${codes.at(-1)}`);

/** Throws (the review step shows it) when a field the API needs was left empty. */
function required(input, what) {
  if (typed(input) === '') throw new Error(`Enter ${what}.`);
  return typed(input);
}

let regions = null;
/** NL · Netherlands: the code as the API keeps it, with its name in the user's language. */
function countryName(code) {
  try {
    regions ??= new Intl.DisplayNames(undefined, { type: 'region' });
    const name = regions.of(code);
    return name && name !== code ? `${code} · ${name}` : code;
  } catch {
    return code;
  }
}

/** A review line of a setting: its new value and the old one, or that it stays. */
const change = (label, now, before) => [label, now === before ? [now || '', none(' (unchanged)')] : [now || '', none(before ? ` (was ${before})` : ' (was not set)')]];

// ---- the account ----

function changeAccount(account) {
  const name = el('input', { name: 'display_name', autocomplete: 'organization', maxlength: 70, value: account.display_name ?? '' });
  const country = el('input', { name: 'country', autocomplete: 'off', maxlength: 40, size: 4, value: account.country ?? '' });
  const mode = select('default_reconciliation_mode', MODES, account.default_reconciliation_mode);
  const wanted = () => {
    const changes = {};
    const shownName = typed(name).replace(/\s+/g, ' ');
    if (shownName === '' && account.display_name) throw new Error('Enter a display name: it can be changed, not removed.');
    if (shownName !== (account.display_name ?? '')) changes.display_name = shownName;
    const code = typed(country).toUpperCase();
    // "Netherlands" is no code: cut to two letters it would be NE, Niger.
    if (!/^[A-Z]{2}$/.test(code)) throw new Error('Enter the account’s country as its two-letter code, such as NL for the Netherlands.');
    if (code !== account.country) changes.country = code;
    if (mode.value !== account.default_reconciliation_mode) changes.default_reconciliation_mode = mode.value;
    if (Object.keys(changes).length === 0) throw new Error('Nothing is changed: edit a setting first.');
    return changes;
  };
  openAction({
    title: 'Change the account settings',
    fields: [
      field('Display name', name, 'The business name your customers see on their bank details and pages.'),
      field('Country', country, 'A two-letter ISO 3166-1 code, such as NL. An EUR transfer that names no IBAN country, for a customer with no address country Cashbook issues IBANs in, gets an IBAN of this country (BE, DE, ES, FR, IE, NL; else IE).'),
      field('Default reconciliation mode', mode, 'What customers using the account default follow: automatic applies a cash balance to waiting payments as soon as it covers them; manual waits for you.'),
    ],
    review: () => {
      wanted();
      return {
        lines: [
          change('Display name', typed(name).replace(/\s+/g, ' '), account.display_name ?? ''),
          change('Country', countryName(typed(country).toUpperCase()), countryName(account.country)),
          change('Default reconciliation mode', modeName(mode.value), modeName(account.default_reconciliation_mode)),
        ],
        confirm: 'Save account settings',
      };
    },
    send: () => api('POST', '/cashbook/v1/account', wanted()),
  });
}

function accountCard(account) {
  return el('div', { class: 'card', id: 'account' },
    details([
      ['Display name', account.display_name ?? none()],
      ['Country', countryName(account.country)],
      ['Default reconciliation mode', modeName(account.default_reconciliation_mode)],
      ['ID', idText(account.id)],
    ]),
    el('div', { class: 'buttons-inline' }, button('Change account settings…', () => changeAccount(account), { 'data-key': 'change-account' })));
}

// ---- the merchant's own bank accounts ----

/** What a payment file names the merchant's account by, per currency (the API's rule: IBAN and BIC, or ACH numbers for USD). */
const usesIban = (currency) => currency !== 'usd';

function setBankAccount(currency, existing) {
  const code = currency.toUpperCase();
  const input = (name, value, attributes = {}) => el('input', { name, autocomplete: 'off', value: value ?? '', ...attributes });
  const holder = input('account_holder_name', existing?.account_holder_name, { maxlength: 70, autocomplete: 'organization' });
  const iban = input('iban', existing?.iban, { maxlength: 40, placeholder: 'NL91ABNA0417164300' });
  const bic = input('bic', existing?.bic, { maxlength: 11, placeholder: 'ABNANL2AXXX' });
  const routing = input('routing_number', existing?.routing_number, { maxlength: 9, inputmode: 'numeric', placeholder: '021000021' });
  const number = input('account_number', existing?.account_number, { maxlength: 17, inputmode: 'numeric' });
  const company = input('company_id', existing?.company_id, { maxlength: 10 });
  const params = () => (usesIban(currency)
    ? { currency, account_holder_name: required(holder, 'the account holder’s name'), iban: required(iban, 'the account’s IBAN'), bic: required(bic, 'the bank’s BIC') }
    : { currency, account_holder_name: required(holder, 'the account holder’s name'), routing_number: required(routing, 'the ABA routing number'), account_number: required(number, 'the account number'), company_id: typed(company) });
  const verb = existing ? 'Replace' : 'Set';
  openAction({
    title: `${verb} your ${code} bank account`,
    intro: [el('p', { class: 'muted' }, `The account ${code} payment files pay from (refunds and returns to a bank, transfers sent back), as your bank knows it.`)],
    fields: usesIban(currency)
      ? [field('Account holder name', holder, 'As your bank names the account: payment files carry it.'), field('IBAN', iban), field('BIC', bic, 'Your bank’s 8 or 11 character BIC.')]
      : [field('Account holder name', holder, 'As your bank names the account: payment files carry it.'), field('ABA routing number', routing), field('Account number', number), field('Company ID', company, 'Optional: the 10-character ACH id your bank gave you; without it, 1 and the routing number.')],
    review: () => {
      const sent = params();
      return {
        lines: [
          ['Currency', code],
          ['Account holder', sent.account_holder_name],
          ...(usesIban(currency)
            ? [['IBAN', sent.iban.replace(/\s/g, '').toUpperCase()], ['BIC', sent.bic.toUpperCase()]]
            : [['ABA routing number', sent.routing_number], ['Account number', sent.account_number], ['Company ID', sent.company_id || none(`1${sent.routing_number} (the default)`)]]),
          existing ? ['Replaces', [existing.account_holder_name, ' ', idText(existing.iban ?? existing.account_number)]] : null,
        ],
        confirm: `${verb} ${code} bank account`,
      };
    },
    send: () => api('POST', '/cashbook/v1/merchant_bank_accounts', params()),
  });
}

function bankAccountsCard(accounts) {
  return el('div', { class: 'card', id: 'merchant-bank-accounts' },
    el('p', { class: 'muted' }, 'Your own bank account in each currency payment files pay out: each file pays from it.'),
    el('div', { class: 'accounts' }, PAYOUT_CURRENCIES.map((currency) => {
      const code = currency.toUpperCase();
      const account = accounts.find((a) => a.currency === currency);
      return el('section', { class: 'account', 'data-currency': currency, 'aria-label': `Your ${code} bank account` },
        el('h3', {}, code),
        account
          ? details([
            ['Holder', account.account_holder_name],
            ...(usesIban(currency)
              ? [['IBAN', el('span', { class: 'copyable' }, account.iban)], ['BIC', el('span', { class: 'copyable' }, account.bic)]]
              : [['Routing number', el('span', { class: 'copyable' }, account.routing_number)], ['Account number', el('span', { class: 'copyable' }, account.account_number)], ['Company ID', account.company_id]]),
            ['First set', time(account.created)],
          ])
          : el('p', { class: 'empty' }, `No ${code} bank account set: no ${code} payment file can be made.`),
        el('div', { class: 'buttons-inline' }, button(`${account ? 'Replace' : 'Set'} ${code} bank account…`, () => setBankAccount(currency, account), { 'data-key': `bank-account:${currency}` })));
    })));
}

// ---- the ranges of virtual account numbers ----

// The transfer types a range can be set for (src/core/virtual-account-range.ts RANGE_TYPES), by the currency each is paid in.
const RANGE_CURRENCIES = ['eur', 'gbp', 'usd'];
const RANGE_TYPES = [
  ['eu_bank_transfer', 'EU bank transfer (IBANs)'],
  ['gb_bank_transfer', 'GB bank transfer (UK accounts)'],
  ['us_bank_transfer', 'US bank transfer (ACH and wire)'],
];
const countryOf = (type, country) => (type === 'eu_bank_transfer' ? country : type.slice(0, 2).toUpperCase());
const rangeOf = (ranges, type, country) => ranges.find((r) => r.type === type && r.country === countryOf(type, country));
/** The numbers of a range as a sentence says them: "NLkk ABNA04…", "73… (8 digits)". */
const numbers = (range) => (range.type === 'eu_bank_transfer'
  ? `IBANs ${range.country}kk ${range.prefix}…`
  : `${range.type === 'gb_bank_transfer' ? 8 : range.account_number_length} digits${range.prefix ? `, ${range.prefix}…` : ''}`);

function setRange(ranges, chosen) {
  const type = select('type', RANGE_TYPES, chosen?.type ?? 'eu_bank_transfer');
  const country = select('country', EU_COUNTRIES.map((c) => [c, countryName(c)]), chosen?.type === 'eu_bank_transfer' ? chosen.country : 'NL');
  const input = (name, value, attributes = {}) => el('input', { name, autocomplete: 'off', value: value ?? '', ...attributes });
  const bankName = input('bank_name', chosen?.bank_name, { maxlength: 70 });
  const bic = input('bic', chosen?.bic, { maxlength: 14 });
  const sortCode = input('sort_code', chosen?.sort_code, { maxlength: 8, inputmode: 'numeric', placeholder: '20-00-00' });
  const routing = input('routing_number', chosen?.routing_number, { maxlength: 12, inputmode: 'numeric', placeholder: '021000021' });
  const prefix = input('prefix', chosen?.prefix, { maxlength: 40 });
  const length = input('account_number_length', chosen?.account_number_length ?? 12, { inputmode: 'numeric', maxlength: 2 });
  const prefixHint = () => (type.value === 'eu_bank_transfer'
    ? 'The leading characters your bank fixed of the range’s BBANs (the IBAN without its first four), its bank code at least: NL ABNA04…, DE the 8-digit BLZ, ES bank and branch.'
    : 'The leading digits your bank fixed of the range’s account numbers; at least 4 digits stay free.');
  const fields = {
    country: field('IBAN country', country),
    bic: field('BIC', bic),
    sort_code: field('Sort code', sortCode),
    routing_number: field('ABA routing number', routing),
    prefix: field('Prefix', prefix, prefixHint()),
    account_number_length: field('Account number length', length, 'How many digits the range’s account numbers have (4 to 17).'),
  };
  const update = () => {
    const eu = type.value === 'eu_bank_transfer';
    const us = type.value === 'us_bank_transfer';
    fields.country.hidden = !eu;
    fields.bic.hidden = !eu && !us;
    fields.sort_code.hidden = type.value !== 'gb_bank_transfer';
    fields.routing_number.hidden = !us;
    fields.account_number_length.hidden = !us;
    fields.bic.querySelector('.label').textContent = us ? 'SWIFT/BIC (optional)' : 'BIC';
    bic.placeholder = us ? 'CHASUS33XXX' : 'ABNANL2AXXX';
    prefix.placeholder = eu ? 'ABNA04' : '73';
    fields.prefix.querySelector('.hint').textContent = prefixHint();
  };
  update();
  type.addEventListener('change', update);
  const params = () => {
    const common = { type: type.value, bank_name: required(bankName, 'the bank’s name') };
    if (type.value === 'eu_bank_transfer') return { ...common, country: country.value, bic: required(bic, 'the bank’s BIC'), prefix: required(prefix, 'the prefix of the range’s BBANs') };
    if (type.value === 'gb_bank_transfer') return { ...common, sort_code: required(sortCode, 'the sort code'), prefix: typed(prefix) };
    return { ...common, routing_number: required(routing, 'the ABA routing number'), prefix: typed(prefix), account_number_length: required(length, 'the account number length'), bic: typed(bic) };
  };
  openAction({
    title: chosen ? 'Replace a virtual account range' : 'Set a virtual account range',
    intro: [el('p', { class: 'muted' }, 'The range of account numbers your bank gave you for virtual accounts, one per transfer type (and IBAN country): customers’ bank details are drawn inside it.')],
    fields: [field('Type', type), fields.country, field('Bank name', bankName, 'The bank that gave you the range, such as ABN AMRO Bank N.V.'), fields.bic, fields.sort_code, fields.routing_number, fields.prefix, fields.account_number_length],
    review: () => {
      const sent = params();
      const where = countryOf(sent.type, sent.country);
      const replaced = rangeOf(ranges, sent.type, sent.country);
      return {
        lines: [
          ['Type', RANGE_TYPES.find(([value]) => value === sent.type)[1]],
          sent.country ? ['IBAN country', countryName(sent.country)] : null,
          ['Bank name', sent.bank_name],
          sent.type === 'eu_bank_transfer' ? ['BIC', sent.bic.toUpperCase()] : null,
          sent.type === 'gb_bank_transfer' ? ['Sort code', sortCodeText(sent.sort_code)] : null,
          sent.type === 'us_bank_transfer' ? ['ABA routing number', sent.routing_number] : null,
          sent.type === 'us_bank_transfer' ? ['SWIFT/BIC', sent.bic ? sent.bic.toUpperCase() : none('none: no SWIFT address is shown')] : null,
          ['Prefix', sent.prefix ? sent.prefix.toUpperCase() : none('none')],
          sent.type === 'us_bank_transfer' ? ['Account number length', sent.account_number_length] : null,
          replaced ? ['Replaces', [`${replaced.bank_name}, ${numbers(replaced)}`, none(' (accounts already issued keep their numbers and bank details)')]] : null,
        ],
        confirm: `${replaced ? 'Replace' : 'Set'} ${where} range`,
      };
    },
    send: () => api('POST', '/cashbook/v1/virtual_account_ranges', params()),
  });
}

const RANGE_COLUMNS = [
  { label: 'Type', cell: (range) => [el('div', {}, `${range.type.replace(/_/g, ' ')} · ${range.country}`), idText(range.id)] },
  { label: 'Bank', cell: (range) => [el('div', {}, range.bank_name), range.bic ? idText(range.bic) : null] },
  { label: 'Sort code / routing', cell: (range) => (range.sort_code ? sortCodeText(range.sort_code) : (range.routing_number ?? '')) },
  { label: 'Numbers', cell: (range) => el('span', { class: 'copyable' }, numbers(range)) },
  { label: 'First set', cell: (range) => time(range.created) },
];

/** The IBAN country an EUR payment that names none gets when its customer has no address country Cashbook issues IBANs in (the server's transferCountry). */
const fallbackCountry = (account) => (EU_COUNTRIES.includes(account.country) ? account.country : 'IE');

/** Live mode: which currencies customers can get no bank details in yet, plainly. */
function rangeNotice(ranges, account) {
  const missing = RANGE_CURRENCIES.filter((c) => !ranges.some((r) => r.type === TRANSFER_TYPE[c])).map((c) => c.toUpperCase());
  const euCountries = ranges.filter((r) => r.type === 'eu_bank_transfer').map((r) => r.country);
  const fallback = fallbackCountry(account);
  const lines = [
    missing.length ? `No range yet for ${spoken(missing)}: customers cannot get bank details in ${spoken(missing, 'or')} until one is set.` : null,
    euCountries.length ? `EUR bank details are issued only in ${spoken(euCountries)}, the IBAN countries with a range.` : null,
    euCountries.length && !euCountries.includes(fallback)
      ? `An EUR payment that names no IBAN country takes its customer’s address country when Cashbook issues IBANs there, else ${fallback} (${fallback === account.country ? 'the account’s country' : `the account’s country, ${account.country}, is not one Cashbook issues IBANs in`}), which has no range yet.`
      : null,
  ].filter(Boolean);
  const others = CASH_CURRENCIES.filter((c) => !RANGE_CURRENCIES.includes(c)).map((c) => c.toUpperCase());
  return [
    lines.length ? el('div', { class: 'notice', id: 'range-notice' }, lines.map((line) => el('p', {}, line))) : null,
    others.length ? el('p', { class: 'muted note' }, `Live mode issues no ${spoken(others, 'or')} bank details: no range can be set for them.`) : null,
  ];
}

function rangesCard(ranges, account) {
  return el('div', { class: 'card', id: 'virtual-account-ranges' },
    isLiveKey()
      ? rangeNotice(ranges, account)
      : el('p', { class: 'muted' }, 'In test mode a type with no range gets numbers of Cashbook’s test bank; live mode issues no bank details without one.'),
    table([...RANGE_COLUMNS, { label: 'Actions', class: 'actions', cell: (range) => el('div', { class: 'buttons-inline' }, button('Replace…', () => setRange(ranges, range), { 'data-key': `replace-range:${range.id}`, 'aria-label': `Replace the ${range.type.replace(/_/g, ' ')} range of ${range.country}` })) }],
      ranges, 'No virtual account range set.', 'Virtual account ranges'),
    el('div', { class: 'buttons-inline' }, button('Set a range…', () => setRange(ranges), { 'data-key': 'set-range' })));
}

export async function settingsView() {
  const [account, accounts, ranges] = await Promise.all([
    api('GET', '/cashbook/v1/account'),
    api('GET', '/cashbook/v1/merchant_bank_accounts', { limit: 100 }),
    api('GET', '/cashbook/v1/virtual_account_ranges', { limit: 100 }),
  ]);
  const byType = (a, b) => a.type.localeCompare(b.type) || a.country.localeCompare(b.country);
  return {
    title: 'Settings',
    nodes: [
      el('h1', { tabindex: '-1' }, 'Settings'),
      el('h2', {}, 'Account'),
      accountCard(account),
      el('h2', {}, 'Your bank accounts'),
      bankAccountsCard(accounts.data),
      el('h2', {}, 'Virtual account ranges'),
      rangesCard([...ranges.data].sort(byType), account),
    ],
  };
}
