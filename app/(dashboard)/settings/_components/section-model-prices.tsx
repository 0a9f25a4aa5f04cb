import { CardPanel } from '@/components/dashboard/card-panel';
import { TableSimple, type Column } from '@/components/dashboard/table-simple';
import type { ModelPrice as ModelPriceRow } from '@/db/schema';
import { CLAUDE_PRICES, type ModelPrice } from '@/lib/ingest/pricing';
import { deleteModelPriceAction } from '../actions';
import { ButtonConfirmAction } from '@/components/ui/button-confirm-action';
import { FormModelPrice } from './form-model-price';
import { AdminNote } from '@/components/ui/form-parts';
import { TimeUtc } from '@/components/ui/time-utc';

/** USD per million tokens: cents by default, more digits only when the price has them. */
function perMTok(usd: number): string {
  return `$${Number(usd.toFixed(2)) === usd ? usd.toFixed(2) : String(usd)}`;
}

type Priced = { model: string; price: ModelPrice };

const priceColumns: Column<Priced>[] = [
  {
    key: 'model',
    label: 'Model prefix',
    render: (r) => <code className="font-mono text-xs whitespace-nowrap">{r.model}</code>,
  },
  { key: 'input', label: 'Input', align: 'right', render: (r) => perMTok(r.price.input) },
  { key: 'output', label: 'Output', align: 'right', render: (r) => perMTok(r.price.output) },
  { key: 'cacheRead', label: 'Cache read', align: 'right', render: (r) => perMTok(r.price.cacheRead) },
  { key: 'cacheWrite', label: 'Cache write', align: 'right', render: (r) => perMTok(r.price.cacheWrite) },
];

const SHIPPED: Priced[] = Object.entries(CLAUDE_PRICES).map(([model, price]) => ({ model, price }));

type Props = { projectId: string; projectName: string; overrides: ModelPriceRow[]; isAdmin: boolean };

export function SectionModelPrices({ projectId, projectName, overrides, isAdmin }: Props) {
  const rows = overrides.map((o) => ({
    model: o.model,
    updatedAt: o.updatedAt,
    price: {
      input: o.inputPerMTok,
      output: o.outputPerMTok,
      cacheRead: o.cacheReadPerMTok,
      cacheWrite: o.cacheWritePerMTok,
    },
  }));
  const columns: Column<(typeof rows)[number]>[] = [
    ...priceColumns,
    { key: 'updated', label: 'Updated (UTC)', align: 'right', render: (r) => <TimeUtc date={r.updatedAt} /> },
  ];
  if (isAdmin) {
    columns.push({
      key: 'actions',
      label: '',
      align: 'right',
      render: (r) => (
        <ButtonConfirmAction
          action={deleteModelPriceAction}
          fields={{ projectId, model: r.model }}
          label="Delete"
          question="Back to the shipped price?"
          confirmLabel="Delete"
        />
      ),
    });
  }
  const suggestions = [...new Set([...overrides.map((o) => o.model), ...Object.keys(CLAUDE_PRICES)])];
  return (
    <div className="space-y-6">
      <CardPanel
        title="Model price overrides"
        subtitle={`USD per million tokens for ${projectName}; they win over the shipped prices for events ingested from now on.`}
      >
        <TableSimple
          rows={rows}
          columns={columns}
          empty="No overrides: costs use the shipped Claude prices."
          rowKey={(r) => r.model}
        />
        <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          {isAdmin ? (
            <FormModelPrice projectId={projectId} suggestions={suggestions} />
          ) : (
            <AdminNote>Ask an admin to change model prices.</AdminNote>
          )}
        </div>
      </CardPanel>
      <CardPanel
        title="Shipped Claude prices"
        subtitle="USD per million tokens, read-only. Cache writes at the 5-minute rate."
      >
        <TableSimple
          rows={SHIPPED}
          columns={priceColumns}
          empty="No shipped prices."
          rowKey={(r) => r.model}
        />
      </CardPanel>
    </div>
  );
}
