import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { formatUtc } from '@/lib/status/format';
import { OVERALL_WORDS } from '@/lib/status/model';
import { getPublicStatus } from '@/lib/status/queries';
import { BAR_TONES, BAR_WORDS } from '@/lib/status/uptime';
import { RowChatApp, RowDependency } from '../_components/list-components';
import { ListOpenIncidents, ListResolvedIncidents } from '../_components/list-incidents';
import { RefreshEvery } from '../_components/refresh-every';
import { BANNER, BAR } from '../_components/tones';

type Props = { params: Promise<{ slug: string }> };

// One read per request, shared by the metadata and the page.
const load = cache((slug: string) => getPublicStatus(slug));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await connection();
  const status = await load((await params).slug);
  return { title: status ? `${status.name} status` : 'Status' };
}

/** The public status of one project; an unknown slug and a disabled page are the same plain 404. */
export default async function StatusPage({ params }: Props) {
  await connection();
  const status = await load((await params).slug);
  if (!status) notFound();
  return (
    <div className="space-y-8">
      <RefreshEvery seconds={60} />
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold">{status.name}</h1>
        <div
          role="status"
          data-testid="status-overall"
          data-status={status.overall}
          className={`rounded-lg border px-4 py-3 text-base font-semibold ${BANNER[status.overall]}`}
        >
          {OVERALL_WORDS[status.overall]}
        </div>
        <p className="text-xs text-zinc-500">
          Updated {formatUtc(status.generatedAt)}; refreshes every minute.
        </p>
      </div>

      <section aria-labelledby="incidents-open" className="space-y-3">
        <h2 id="incidents-open" className="text-sm font-semibold">
          Open incidents
        </h2>
        <ListOpenIncidents incidents={status.open} />
      </section>

      <section aria-labelledby="components" className="space-y-3">
        <h2 id="components" className="text-sm font-semibold">
          Components
        </h2>
        <ul className="space-y-3">
          <RowChatApp app={status.app} />
          {status.dependencies.map((dep) => (
            <RowDependency key={dep.dependency} dep={dep} />
          ))}
        </ul>
        <p className="flex flex-wrap gap-x-4 gap-y-1 text-[11px] text-zinc-500">
          <span>Bars: one per UTC day, from the health checks.</span>
          {BAR_TONES.map((tone) => (
            <Legend key={tone} tone={BAR[tone]} label={BAR_WORDS[tone]} />
          ))}
        </p>
      </section>

      <section aria-labelledby="incidents-resolved" className="space-y-3">
        <h2 id="incidents-resolved" className="text-sm font-semibold">
          Resolved in the last 7 days
        </h2>
        <ListResolvedIncidents incidents={status.resolved} />
      </section>
    </div>
  );
}

function Legend({ tone, label }: { tone: string; label: string }) {
  return (
    <span className="flex items-center gap-1">
      <span className={`inline-block size-2.5 rounded-[2px] ${tone}`} aria-hidden />
      {label}
    </span>
  );
}
