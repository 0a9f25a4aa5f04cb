'use client';

import { DurationField, NumberField, SelectField, type Values } from './field-parts';
import { DEPENDENCY_OPTIONS, EVENT_OPTIONS } from './options';

export function FieldsConsecutive({ values }: { values: Values }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <SelectField label="Event" name="event" options={EVENT_OPTIONS} defaultValue={values.event} />
      <NumberField
        label="In a row"
        name="count"
        min={1}
        step={1}
        defaultValue={values.count}
        hint="How many matching events in a row fire it."
      />
      <DurationField
        label="Within"
        prefix="within"
        values={values}
        hint="All of them within this time: 1 minute to 7 days."
      />
      <SelectField
        label="Group by"
        name="groupBy"
        options={[
          ['', 'not grouped'],
          ['model', 'per model'],
        ]}
        defaultValue={values.groupBy ?? ''}
      />
    </div>
  );
}

export function FieldsBudget({ values }: { values: Values }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <NumberField
        label="Daily budget (USD)"
        name="dailyBudgetUsd"
        min={0}
        required={false}
        placeholder="the project's budget"
        defaultValue={values.dailyBudgetUsd}
        hint="Blank uses the project's daily budget."
      />
      <NumberField
        label="Alert at (% of the budget)"
        name="thresholdPercent"
        min={1}
        max={1000}
        defaultValue={values.thresholdPercent}
        hint="150 fires when today's spend, or its projection, is 50% over."
      />
    </div>
  );
}

export function FieldsHealth({ values }: { values: Values }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <SelectField
        label="Dependency"
        name="dependency"
        options={DEPENDENCY_OPTIONS}
        defaultValue={values.dependency}
        hint="Any: one alert per failing dependency."
      />
      <NumberField
        label="Failed checks in a row"
        name="failures"
        min={1}
        max={100}
        step={1}
        defaultValue={values.failures}
      />
    </div>
  );
}
