// The budget form's state, its conversion to the API body, and the server's field errors mapped
// back to form fields.
import type { Budget, BudgetInput, BudgetPeriod } from '../../../api/types';

export interface BudgetFormState {
  name: string;
  scopeField: string; // '' = every event
  scopeValue: string;
  period: BudgetPeriod;
  amount: string;
  thresholds: string; // "50, 80, 100"
  timezone: string;
  forecastAlert: boolean;
  enforce: boolean; // the proxy refuses calls in scope once the period's spend reaches the amount
}

export const EMPTY_FORM: BudgetFormState = {
  name: '',
  scopeField: '',
  scopeValue: '',
  period: 'month',
  amount: '',
  thresholds: '50, 80, 100',
  timezone: 'UTC',
  forecastAlert: false,
  enforce: false,
};

export function formFromBudget(budget: Budget): BudgetFormState {
  return {
    name: budget.name,
    scopeField: budget.scope?.field ?? '',
    scopeValue: budget.scope?.value ?? '',
    period: budget.period,
    amount: String(budget.amount_usd),
    thresholds: budget.thresholds_pct.join(', '),
    timezone: budget.timezone,
    forecastAlert: budget.forecast_alert,
    enforce: budget.enforce,
  };
}

/** Form field (as named in BudgetFormState) → message. */
export type FormErrors = Partial<Record<keyof BudgetFormState, string>>;

/** The API body; values the server validates are passed through as typed (it names what is wrong). */
export function inputFromForm(form: BudgetFormState): { input: BudgetInput; errors: FormErrors } {
  const errors: FormErrors = {};
  const amount = Number(form.amount.trim());
  if (form.amount.trim() === '' || !Number.isFinite(amount)) errors.amount = 'Enter an amount in USD.';
  const thresholds = form.thresholds
    .split(/[,\s]+/)
    .filter((part) => part !== '')
    .map(Number);
  if (thresholds.some((value) => !Number.isFinite(value))) errors.thresholds = 'Thresholds are numbers, e.g. 50, 80, 100.';
  if (form.scopeField !== '' && form.scopeValue.trim() === '') errors.scopeValue = 'Enter the value to budget.';
  return {
    input: {
      name: form.name.trim(),
      scope: form.scopeField === '' ? null : { field: form.scopeField, value: form.scopeValue.trim() },
      period: form.period,
      amount_usd: amount,
      thresholds_pct: thresholds,
      timezone: form.timezone.trim() || 'UTC',
      forecast_alert: form.forecastAlert,
      enforce: form.enforce,
    },
    errors,
  };
}

/** Maps the server's error details (`amount_usd`, `thresholds_pct[1]`, `scope.field`) to form fields. */
export function formErrorsFromDetails(details: { field: string; reason: string }[]): FormErrors {
  const errors: FormErrors = {};
  const fieldOf = (path: string): keyof BudgetFormState | undefined => {
    if (path === 'name') return 'name';
    if (path === 'amount_usd') return 'amount';
    if (path.startsWith('thresholds_pct')) return 'thresholds';
    if (path === 'period') return 'period';
    if (path === 'timezone') return 'timezone';
    if (path === 'scope.value') return 'scopeValue';
    if (path.startsWith('scope')) return 'scopeField';
    if (path === 'forecast_alert') return 'forecastAlert';
    if (path === 'enforce') return 'enforce';
    return undefined;
  };
  for (const detail of details) {
    const field = fieldOf(detail.field);
    if (field && !errors[field]) errors[field] = `${detail.field}: ${detail.reason}`;
  }
  return errors;
}
