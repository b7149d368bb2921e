// Create or edit a budget. The server validates; its 400 names the field, shown under it.
import { useState, type ReactNode } from 'react';
import { ApiError } from '../../../api/client';
import type { Budget } from '../../../api/types';
import { Card } from '../../../components/ui/Card';
import { useFields } from '../../../hooks/useFields';
import { useSaveBudget } from '../hooks/useBudgets';
import {
  EMPTY_FORM,
  formErrorsFromDetails,
  formFromBudget,
  inputFromForm,
  type BudgetFormState,
  type FormErrors,
} from '../lib/budgetForm';

const SCOPE_FIELDS = ['team', 'experiment', 'model', 'provider', 'user'];
const inputClass =
  'w-full rounded-lg border border-border bg-background px-2.5 py-1.5 text-sm text-fg focus-visible:outline-2 focus-visible:outline-primary';

function Field({ label, error, children, htmlFor }: { label: string; error?: string; children: ReactNode; htmlFor: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={htmlFor} className="text-xs font-medium text-muted">
        {label}
      </label>
      {children}
      {error && (
        <p data-testid={`error-${htmlFor}`} className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  );
}

interface BudgetFormProps {
  budget?: Budget;
  onDone: () => void;
}

export function BudgetForm({ budget, onDone }: BudgetFormProps) {
  const [form, setForm] = useState<BudgetFormState>(budget ? formFromBudget(budget) : EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const save = useSaveBudget();
  const fields = useFields();
  const scopeFields = [...SCOPE_FIELDS, ...(fields.data?.tag_keys ?? []).map((key) => `tags.${key}`)];
  const set = <K extends keyof BudgetFormState>(key: K, value: BudgetFormState[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const { input, errors: local } = inputFromForm(form);
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length > 0) return;
    save.mutate(
      { input, id: budget?.id },
      {
        onSuccess: onDone,
        onError: (error) => {
          if (error instanceof ApiError && error.details.length > 0) {
            setErrors(formErrorsFromDetails(error.details));
          }
          setGeneral(error instanceof Error ? error.message : String(error));
        },
      },
    );
  };

  return (
    <Card className="p-4">
      <form data-testid="budget-form" onSubmit={submit} className="flex flex-col gap-3" noValidate>
        <h2 className="text-sm font-semibold text-fg">{budget ? `Edit ${budget.name}` : 'New budget'}</h2>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Field label="Name" error={errors.name} htmlFor="budget-name">
            <input id="budget-name" className={inputClass} value={form.name} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <Field label="Amount (USD)" error={errors.amount} htmlFor="budget-amount">
            <input
              id="budget-amount"
              inputMode="decimal"
              className={inputClass}
              value={form.amount}
              onChange={(e) => set('amount', e.target.value)}
            />
          </Field>
          <Field label="Period" error={errors.period} htmlFor="budget-period">
            <select
              id="budget-period"
              className={inputClass}
              value={form.period}
              onChange={(e) => set('period', e.target.value as BudgetFormState['period'])}
            >
              <option value="day">Day</option>
              <option value="week">Week (from Monday)</option>
              <option value="month">Month</option>
            </select>
          </Field>
          <Field label="Alert at (% of the amount)" error={errors.thresholds} htmlFor="budget-thresholds">
            <input
              id="budget-thresholds"
              className={inputClass}
              value={form.thresholds}
              onChange={(e) => set('thresholds', e.target.value)}
            />
          </Field>
          <Field label="Scope" error={errors.scopeField} htmlFor="budget-scope-field">
            <select
              id="budget-scope-field"
              className={inputClass}
              value={form.scopeField}
              onChange={(e) => set('scopeField', e.target.value)}
            >
              <option value="">All calls</option>
              {scopeFields.map((field) => (
                <option key={field} value={field}>
                  {field}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Scope value" error={errors.scopeValue} htmlFor="budget-scope-value">
            <input
              id="budget-scope-value"
              className={inputClass}
              value={form.scopeValue}
              disabled={form.scopeField === ''}
              placeholder={form.scopeField === '' ? '—' : 'e.g. ml'}
              onChange={(e) => set('scopeValue', e.target.value)}
            />
          </Field>
          <Field label="Time zone" error={errors.timezone} htmlFor="budget-timezone">
            <input id="budget-timezone" className={inputClass} value={form.timezone} onChange={(e) => set('timezone', e.target.value)} />
          </Field>
          <label className="flex items-center gap-2 self-end pb-2 text-sm text-fg">
            <input type="checkbox" checked={form.forecastAlert} onChange={(e) => set('forecastAlert', e.target.checked)} />
            Alert when the forecast exceeds it
          </label>
          <div className="self-end pb-2 text-sm text-fg">
            <label className="flex items-center gap-2">
              <input
                type="checkbox"
                data-testid="budget-enforce"
                checked={form.enforce}
                onChange={(e) => set('enforce', e.target.checked)}
              />
              Enforce at the proxy (block calls when spent)
            </label>
            {errors.enforce && <p className="mt-1 text-xs text-danger">{errors.enforce}</p>}
          </div>
        </div>
        {general && (
          <p role="alert" data-testid="budget-form-error" className="rounded-lg bg-danger/10 px-3 py-2 text-xs text-danger">
            {general}
          </p>
        )}
        <div className="flex gap-2">
          <button
            type="submit"
            disabled={save.isPending}
            className="rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90 disabled:opacity-50"
          >
            {save.isPending ? 'Saving…' : budget ? 'Save changes' : 'Create budget'}
          </button>
          <button type="button" onClick={onDone} className="rounded-lg px-3 py-1.5 text-sm text-muted hover:text-fg">
            Cancel
          </button>
        </div>
      </form>
    </Card>
  );
}
