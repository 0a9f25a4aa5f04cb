'use client';

import { useState } from 'react';
import type { Metric } from '@/lib/alerts/engine/types';
import { METRIC_UNITS } from '@/lib/alerts/rules/constants';
import { needsName } from '@/lib/metrics/catalog';
import { DurationField, NumberField, SelectField, TextField, type Values } from './field-parts';
import {
  BASELINE_OPTIONS,
  CHANGE_METRIC_OPTIONS,
  GROUP_OPTIONS,
  METRIC_OPTIONS,
  OPERATOR_OPTIONS,
} from './options';

const VALUE_LABELS = { percent: 'Threshold (%)', ms: 'Threshold (ms)', count: 'Threshold (count)' } as const;
const VALUE_HINTS = {
  percent: '0 to 100; 1 means 1%.',
  ms: 'Milliseconds: 2000 is 2 seconds.',
  count: 'A count over the window.',
} as const;

function SamplesField({ values }: { values: Values }) {
  return (
    <NumberField
      label="Minimum samples"
      name="minSamples"
      min={0}
      step={1}
      defaultValue={values.minSamples ?? '0'}
      hint="Fewer events than this in the window counts as no data, not ok."
    />
  );
}

export function FieldsThreshold({ values }: { values: Values }) {
  const [metric, setMetric] = useState((values.metric ?? 'error_rate') as Metric);
  const unit = METRIC_UNITS[metric] ?? 'count';
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <SelectField
        label="Metric"
        name="metric"
        options={METRIC_OPTIONS}
        defaultValue={metric}
        onChange={(m) => setMetric(m as Metric)}
      />
      {needsName(metric) ? (
        <>
          <TextField
            label="Series name"
            name="seriesName"
            required
            maxLength={200}
            defaultValue={values.seriesName}
            placeholder="cpu.utilization"
            hint="The name of the metric events (or the web vital: LCP, INP, CLS) the rule watches."
          />
          <TextField
            label="Labels (optional)"
            name="seriesLabels"
            maxLength={1000}
            defaultValue={values.seriesLabels}
            placeholder="pool=main, region=eu"
            hint="Only events carrying these labels."
          />
        </>
      ) : null}
      <SelectField
        label="Fires when the metric is"
        name="operator"
        options={OPERATOR_OPTIONS}
        defaultValue={values.operator}
      />
      <NumberField
        label={VALUE_LABELS[unit]}
        name="value"
        min={0}
        max={unit === 'percent' ? 100 : undefined}
        defaultValue={values.value}
        hint={VALUE_HINTS[unit]}
      />
      <DurationField label="Window" prefix="window" values={values} hint="1 minute to 7 days." />
      <SamplesField values={values} />
      <SelectField
        label="Group by"
        name="groupBy"
        options={GROUP_OPTIONS}
        defaultValue={values.groupBy ?? ''}
        hint="One alert per model, route or service."
      />
    </div>
  );
}

export function FieldsChange({ values }: { values: Values }) {
  const [direction, setDirection] = useState(values.direction === 'rise' ? 'rise' : 'drop');
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <SelectField
        label="Metric"
        name="metric"
        options={CHANGE_METRIC_OPTIONS}
        defaultValue={values.metric}
      />
      <SelectField
        label="Compared with"
        name="baseline"
        options={BASELINE_OPTIONS}
        defaultValue={values.baseline}
      />
      <SelectField
        label="Fires on a"
        name="direction"
        options={[
          ['drop', 'drop below the baseline'],
          ['rise', 'rise above the baseline'],
        ]}
        defaultValue={direction}
        onChange={setDirection}
      />
      {direction === 'drop' ? (
        <NumberField
          label="Drop (%)"
          name="dropPercent"
          min={0}
          max={100}
          defaultValue={values.dropPercent}
          hint="20 fires at 20% below the baseline."
        />
      ) : (
        <NumberField
          label="Rise (× baseline)"
          name="riseFactor"
          min={1}
          defaultValue={values.riseFactor}
          hint="2 fires at twice the baseline."
        />
      )}
      <DurationField
        label="Window"
        prefix="window"
        values={values}
        hint="Now and each baseline period: 1 minute to 7 days."
      />
      <SamplesField values={values} />
      <SelectField
        label="Group by"
        name="groupBy"
        options={GROUP_OPTIONS}
        defaultValue={values.groupBy ?? ''}
      />
    </div>
  );
}
