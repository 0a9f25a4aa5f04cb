import { CardPanel } from '@/components/dashboard/card-panel';
import { formatUsd } from '@/lib/format';
import { getDailyBudget } from '@/lib/settings/queries';
import { FormDailyBudget } from './form-daily-budget';
import { AdminNote } from '@/components/ui/form-parts';

type Props = { project: { id: string; name: string }; isAdmin: boolean };

/** The project's daily budget, which the "spend over daily budget" alert rule compares the day's spend with. */
export async function SectionDailyBudget({ project, isAdmin }: Props) {
  const budget = await getDailyBudget(project.id);
  return (
    <CardPanel
      title="Daily budget"
      subtitle={`What ${project.name} may spend on Claude per UTC day. The default "Spend 50% over daily budget" alert fires when the day's spend, or its projection to midnight, reaches 150% of it.`}
    >
      <p className="mb-3 text-sm" data-testid="daily-budget">
        {budget === null
          ? 'No budget set: the spend rule has nothing to compare with.'
          : `${formatUsd(budget)} per day`}
      </p>
      {isAdmin ? (
        <FormDailyBudget projectId={project.id} current={budget} />
      ) : (
        <AdminNote>Ask an admin to change the daily budget.</AdminNote>
      )}
    </CardPanel>
  );
}
