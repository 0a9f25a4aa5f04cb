import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { projects } from '@/db/schema';
import { AppError } from '@/lib/http/errors';

export type DailyBudgetChange = { slug: string; name: string; before: number | null; after: number | null };

/**
 * Sets (or clears, with null) a project's daily budget in USD: the budget alert rule compares the day's
 * spend and its projection with it. Answers the value before and after, for the audit log.
 */
export async function setDailyBudget(projectId: string, usd: number | null): Promise<DailyBudgetChange> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ slug: projects.slug, name: projects.name, budget: projects.dailyBudgetUsd })
      .from(projects)
      .where(eq(projects.id, projectId))
      .for('update');
    if (!current) throw new AppError('not_found', 'This project no longer exists; pick another project.');
    await tx.update(projects).set({ dailyBudgetUsd: usd }).where(eq(projects.id, projectId));
    return { slug: current.slug, name: current.name, before: current.budget, after: usd };
  });
}
