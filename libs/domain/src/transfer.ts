import UkModulusChecking from 'uk-modulus-checking';
import { nameProblem } from './clients';
import { emailProblem, phoneProblem, postcodeProblem, validateAddress } from './contact';
import type { FieldProblem } from './errors';

/**
 * The only items that may pass from one client to the other (TD-1): name (including a new name),
 * address, post code, landline, mobile, email, and bank details to enable Direct Pay.
 */
export const TRANSFERABLE_ITEMS = [
  'name',
  'newName',
  'address',
  'postcode',
  'landline',
  'mobile',
  'email',
  'bankDetails',
] as const;
export type TransferableItem = (typeof TRANSFERABLE_ITEMS)[number];

/** The three ways the procedure transfers data (Transfer Data Between Clients). */
export const TRANSFER_ROUTES = ['contact-details', 'verbal-bank-details', 'domestic-violence'] as const;
export type TransferRoute = (typeof TRANSFER_ROUTES)[number];

/** Bank details for Direct Pay: sort code (6 digits), account number (8 digits), account name. */
export interface BankDetails {
  sortCode: string;
  accountNumber: string;
  accountName: string;
}

/** Items each route may carry: verbally, only bank details (TD-9); domestic violence, bank details (TD-11). */
const ROUTE_ITEMS: Record<TransferRoute, readonly TransferableItem[]> = {
  'contact-details': TRANSFERABLE_ITEMS,
  'verbal-bank-details': ['bankDetails'],
  'domestic-violence': ['bankDetails'],
};

/** Normalises a sort code to six digits (`12-34-56` → `123456`). */
export function normaliseSortCode(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/**
 * Problems with bank details, [] when valid: format, then the modulus check a Bank Wizard check
 * makes (TD-5, Transfer Data Between Clients step 6). Rule names `required`, `sort-code-format`,
 * `account-number-format`, `bank-wizard`.
 */
export function bankDetailsProblems(input: unknown, field = 'bankDetails'): FieldProblem[] {
  if (!input || typeof input !== 'object')
    return [{ field, rule: 'required', message: 'Enter the bank details.', requirementId: 'TD-5' }];
  const bd = input as Partial<Record<keyof BankDetails, unknown>>;
  const problems: FieldProblem[] = [];
  const sortCode = typeof bd.sortCode === 'string' ? normaliseSortCode(bd.sortCode) : '';
  const account = typeof bd.accountNumber === 'string' ? bd.accountNumber.replace(/\s/g, '') : '';
  if (!/^\d{6}$/.test(sortCode)) {
    problems.push({
      field: `${field}.sortCode`,
      rule: 'sort-code-format',
      message: 'The sort code must be 6 digits, e.g. 08-99-99.',
      requirementId: 'TD-5',
    });
  }
  if (!/^\d{8}$/.test(account)) {
    problems.push({
      field: `${field}.accountNumber`,
      rule: 'account-number-format',
      message: 'The account number must be 8 digits.',
      requirementId: 'TD-5',
    });
  }
  const nameIssue = nameProblem(bd.accountName, `${field}.accountName`, 'account name');
  if (nameIssue) problems.push(nameIssue);
  if (!problems.length && !new UkModulusChecking({ sortCode, accountNumber: account }).isValid()) {
    problems.push({
      field,
      rule: 'bank-wizard',
      message:
        'The sort code and account number do not pass the bank details check. Check them with the client.',
      requirementId: 'TD-5',
    });
  }
  return problems;
}

/** Masks bank details for responses and logs: `**-**-56`, `****5678`. */
export function maskBankDetails(bd: BankDetails): BankDetails {
  const sc = normaliseSortCode(bd.sortCode);
  return {
    sortCode: `**-**-${sc.slice(-2)}`,
    accountNumber: `****${bd.accountNumber.slice(-4)}`,
    accountName: bd.accountName,
  };
}

/**
 * Every problem with the items a client wants passed to the other party on `route`: an item that is
 * not transferable (TD-1), or not allowed on the route (TD-9), is named with rule
 * `not-transferable`; each item is checked (names, address, postcode, landline, mobile, email,
 * bank details with the modulus check, TD-5). Fields are `items.<name>`.
 */
export function transferItemProblems(items: unknown, route: TransferRoute): FieldProblem[] {
  if (!items || typeof items !== 'object' || Array.isArray(items)) {
    return [
      { field: 'items', rule: 'required', message: 'Give the items to pass on.', requirementId: 'TD-1' },
    ];
  }
  const allowed = ROUTE_ITEMS[route];
  const entries = Object.entries(items as Record<string, unknown>);
  const problems: FieldProblem[] = [];
  const refused = entries.filter(([k]) => !(allowed as readonly string[]).includes(k)).map(([k]) => k);
  if (refused.length) {
    problems.push(
      ...refused.map((k) => ({
        field: `items.${k}`,
        rule: 'not-transferable',
        message:
          route === 'contact-details'
            ? `"${k}" cannot be passed to the other party: only ${TRANSFERABLE_ITEMS.join(', ')}.`
            : `Only bank details can be passed on this route; "${k}" cannot.`,
        requirementId: route === 'verbal-bank-details' ? 'TD-9' : 'TD-1',
      })),
    );
  }
  if (!entries.length)
    problems.push({
      field: 'items',
      rule: 'required',
      message: 'Give at least one item to pass on.',
      requirementId: 'TD-1',
    });
  const get = (k: TransferableItem) => (items as Record<string, unknown>)[k];
  const check = (p: FieldProblem | null) => p && problems.push(p);
  if (get('name') !== undefined) {
    const n = get('name') as { firstName?: unknown; lastName?: unknown } | null;
    check(nameProblem(n?.firstName, 'items.name.firstName', 'first name'));
    check(nameProblem(n?.lastName, 'items.name.lastName', 'last name'));
  }
  if (get('newName') !== undefined) {
    const n = get('newName') as { firstName?: unknown; lastName?: unknown } | null;
    check(nameProblem(n?.firstName, 'items.newName.firstName', 'first name'));
    check(nameProblem(n?.lastName, 'items.newName.lastName', 'last name'));
  }
  if (get('address') !== undefined)
    problems.push(...validateAddress(get('address') as never, 'items.address'));
  if (get('postcode') !== undefined) check(postcodeProblem(get('postcode'), 'items.postcode'));
  if (get('landline') !== undefined)
    check(phoneProblem(get('landline'), 'items.landline', { expect: 'landline' }));
  if (get('mobile') !== undefined) check(phoneProblem(get('mobile'), 'items.mobile', { expect: 'mobile' }));
  if (get('email') !== undefined) check(emailProblem(get('email'), 'items.email'));
  if (get('bankDetails') !== undefined)
    problems.push(...bankDetailsProblems(get('bankDetails'), 'items.bankDetails'));
  return problems;
}
