import { describe, expect, it } from 'vitest';
import type { Alert, Budget } from '../../../api/types';
import { lightPalette } from '../../../lib/palette';
import { alertRows } from './alerts';
import { EMPTY_FORM, formErrorsFromDetails, formFromBudget, inputFromForm } from './budgetForm';
import { enforcement } from './enforcement';
import { burnColor, gaugeMax, gaugeModel } from './gauge';
import { outlook } from './outlook';

function budget(overrides: Partial<Budget> = {}): Budget {
  return {
    id: 'b-1',
    name: 'ml monthly',
    scope: { field: 'team', value: 'ml' },
    period: 'month',
    amount_usd: 100,
    thresholds_pct: [50, 80, 100],
    timezone: 'UTC',
    forecast_alert: false,
    enforce: false,
    created_at: '2026-01-01T00:00:00.000Z',
    period_start: '2026-01-01T00:00:00.000Z',
    period_end: '2026-02-01T00:00:00.000Z',
    spend_usd: 78,
    share_pct: 78,
    projected_usd: 130,
    projected_low_usd: 110,
    projected_high_usd: 150,
    projection_history_days: 28,
    exceeds_on: '2026-01-24',
    projection_method: 'ets',
    exceeds_earliest: '2026-01-21',
    exceeds_latest: '2026-01-28',
    ...overrides,
  };
}

describe('budget gauge', () => {
  it('scales to the forecast band and colours the burn by threshold', () => {
    expect(gaugeMax(budget())).toBe(160);
    expect(gaugeMax(budget({ projected_high_usd: 90 }))).toBe(120);
    expect(gaugeMax(budget({ projected_high_usd: 900 }))).toBe(200);
    expect(burnColor(budget(), lightPalette)).toBe(lightPalette.success);
    expect(burnColor(budget({ share_pct: 85 }), lightPalette)).toBe(lightPalette.warning);
    expect(burnColor(budget({ share_pct: 101 }), lightPalette)).toBe(lightPalette.danger);
  });

  it('draws the burn, the projection pointer and its 80 % band', () => {
    const model = gaugeModel(budget(), lightPalette);
    if (model.kind !== 'ready') throw new Error('empty');
    const [burn, forecast] = model.option.series as {
      data: { value: number; name: string }[];
      axisLine: { lineStyle: { color: [number, string][] } };
    }[];
    expect(burn!.data[0]).toEqual({ value: 78, name: '$78.00 of $100.00\n▼ projected 130%' });
    expect(forecast!.data[0]!.value).toBe(130);
    const stops = forecast!.axisLine.lineStyle.color;
    expect(stops[0]![0]).toBeCloseTo(110 / 160);
    expect(stops[1]![0]).toBeCloseTo(150 / 160);
  });

  it('drops the end label where the projection pointer sits on it', () => {
    const label = (b: Budget) => {
      const model = gaugeModel(b, lightPalette);
      if (model.kind !== 'ready') throw new Error('empty');
      const [burn] = model.option.series as { axisLabel: { formatter: (value: number) => string } }[];
      return burn!.axisLabel.formatter;
    };
    expect(label(budget())(160)).toBe('160%');
    expect(label(budget())(100)).toBe('100%');
    const offScale = label(budget({ projected_usd: 470, projected_low_usd: 440, projected_high_usd: 500 }));
    expect(offScale(200)).toBe('');
    expect(offScale(100)).toBe('100%');
  });
});

describe('budget form', () => {
  it('round-trips a budget and builds the API body', () => {
    const form = formFromBudget(budget());
    expect(form).toMatchObject({ scopeField: 'team', scopeValue: 'ml', amount: '100', thresholds: '50, 80, 100' });
    const { input, errors } = inputFromForm(form);
    expect(errors).toEqual({});
    expect(input).toEqual({
      name: 'ml monthly',
      scope: { field: 'team', value: 'ml' },
      period: 'month',
      amount_usd: 100,
      thresholds_pct: [50, 80, 100],
      timezone: 'UTC',
      forecast_alert: false,
      enforce: false,
    });
    const enforced = inputFromForm(formFromBudget(budget({ enforce: true })));
    expect(enforced.input.enforce).toBe(true);
    expect(EMPTY_FORM.enforce).toBe(false);
    expect(formErrorsFromDetails([{ field: 'enforce', reason: 'must be true or false' }])).toEqual({
      enforce: 'enforce: must be true or false',
    });
  });

  it('says whether an enforced budget blocks proxy calls, and until when', () => {
    expect(enforcement(budget())).toBeNull();
    expect(enforcement(budget({ enforce: true }))).toEqual({
      blocking: false,
      text: 'Enforced at the proxy: calls in scope are blocked once spent',
    });
    expect(enforcement(budget({ enforce: true, spend_usd: 100 }))).toEqual({
      blocking: true,
      text: 'Spent: the proxy blocks calls in scope until 2026-02-01 00:00 UTC',
    });
  });

  it('asks for what is missing before sending, and maps server errors to fields', () => {
    expect(inputFromForm({ ...EMPTY_FORM, scopeField: 'team' }).errors).toMatchObject({
      amount: expect.any(String),
      scopeValue: expect.any(String),
    });
    expect(inputFromForm({ ...EMPTY_FORM, amount: '5', thresholds: '50, x' }).errors.thresholds).toBeDefined();
    expect(
      formErrorsFromDetails([
        { field: 'thresholds_pct[1]', reason: 'thresholds must be in increasing order' },
        { field: 'scope.field', reason: 'unknown scope field' },
        { field: 'amount_usd', reason: 'must be above 0' },
      ]),
    ).toEqual({
      thresholds: 'thresholds_pct[1]: thresholds must be in increasing order',
      scopeField: 'scope.field: unknown scope field',
      amount: 'amount_usd: must be above 0',
    });
  });
});

describe('alert history', () => {
  it('reads thresholds and forecasts', () => {
    const alerts: Alert[] = [
      { id: 'alert-2', kind: 'budget_forecast', fired_at: '2026-01-10T12:00:00Z', budget_id: 'b-1', budget_name: 'ml', period: 'month',
        period_start: '2026-01-01T00:00:00Z', period_end: '2026-02-01T00:00:00Z', amount_usd: 100, spend_usd: 40,
        projected_usd: 130, projected_low_usd: 118, projected_high_usd: 142, exceeds_on: '2026-01-24' },
      { id: 'alert-1', kind: 'budget_threshold', fired_at: '2026-01-09T12:00:00Z', budget_id: 'b-1', budget_name: 'ml', period: 'month',
        period_start: '2026-01-01T00:00:00Z', period_end: '2026-02-01T00:00:00Z', amount_usd: 100, spend_usd: 101, threshold_pct: 100 },
    ];
    const rows = alertRows(alerts);
    expect(rows[0]).toMatchObject({ what: 'Projected to exceed on 2026-01-24 ($130.00)', tone: 'primary', spend: '$40.00' });
    expect(rows[1]).toMatchObject({ what: '100% of $100.00 reached', tone: 'danger' });
    expect(rows[1]!.period).toMatch(/^month from Jan 1$/);
  });

  it('shows an anomaly alert with its sentence', () => {
    const [row] = alertRows([
      {
        id: 'alert-9',
        kind: 'anomaly',
        fired_at: '2026-01-10T15:00:05.000Z',
        metric: 'sum:cost_usd',
        dimension: 'experiment',
        key: 'checkout',
        t: '2026-01-10T14:00:00.000Z',
        actual: 60,
        expected: 6,
        score: 0.99,
        severity: 'critical',
        explanation: 'Cost of experiment checkout at 14:00 UTC was $60, 10× the usual $6.',
      },
    ]);
    expect(row).toMatchObject({
      budget: 'Anomaly · experiment checkout',
      what: 'Cost of experiment checkout at 14:00 UTC was $60, 10× the usual $6.',
      spend: '—',
      tone: 'danger',
    });
    expect(row!.period).toMatch(/^hour from Jan 10, \d\d:00$/);
  });
});

describe('budget outlook', () => {
  it('gives the date on course and the 80 % band of dates', () => {
    expect(outlook(budget())).toEqual({
      over: true,
      text: 'On course to exceed on 2026-01-24 (ETS forecast)',
      band: '80 % interval: 2026-01-21 – 2026-01-28',
    });
  });
  it('says when the lower bound stays below the amount all period', () => {
    expect(outlook(budget({ exceeds_latest: null })).band).toBe('80 % interval: 2026-01-21 – after the month');
  });
  it('names a reached amount without a band', () => {
    expect(outlook(budget({ spend_usd: 120, exceeds_on: '2026-01-10', exceeds_earliest: '2026-01-10' }))).toEqual({
      over: true,
      text: 'Exceeded on 2026-01-10',
      band: null,
    });
  });
  it('warns from the upper bound when the central projection stays below', () => {
    const view = outlook(budget({ exceeds_on: null, exceeds_latest: null, exceeds_earliest: '2026-01-30', projection_method: 'run_rate' }));
    expect(view).toEqual({ over: false, text: 'Not this month (mean of the last days)', band: '80 % interval: may exceed from 2026-01-30' });
  });
});
