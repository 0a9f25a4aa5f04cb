import 'server-only';
import type { AlertInstanceRow, SilenceRow } from '@/db/schema';
import { loadEnabledChannelsByProject } from '../channels/queries';
import { channelsFromEnv, type ConfiguredChannel } from '../channels/configured';
import { instanceKey } from '../engine/silence';
import { listRules } from '../rules/queries';
import type { StoredRule } from '../rules/stored';
import { listAllInstances, listProjects, listSilencesInForce, type ProjectInfo } from './queries';

/** Everything a cron run reads up front, in five statements whatever the number of projects. */
export type RunContext = {
  now: Date;
  /** Only these projects (tests and sharding); null = every project. */
  only: ReadonlySet<string> | null;
  projects: Map<string, ProjectInfo>;
  rulesByProject: Map<string, StoredRule[]>;
  rulesById: Map<string, StoredRule>;
  /** Keyed by instanceKey(ruleId, groupKey); rule ids are unique across projects. */
  instances: Map<string, AlertInstanceRow>;
  instancesByRule: Map<string, AlertInstanceRow[]>;
  silencesByProject: Map<string, SilenceRow[]>;
  envChannels: ConfiguredChannel[];
  dbChannels: Map<string, ConfiguredChannel[]>;
};

export async function loadRunContext(
  now: Date,
  envChannels: ConfiguredChannel[] = channelsFromEnv(),
  projectIds: readonly string[] | null = null,
): Promise<RunContext> {
  const only = projectIds ? new Set(projectIds) : null;
  const [allRules, instances, active, dbChannels, projectRows] = await Promise.all([
    listRules(null, { enabledOnly: true }),
    listAllInstances(),
    listSilencesInForce(now),
    loadEnabledChannelsByProject(),
    listProjects(),
  ]);
  const rules = only ? allRules.filter((r) => only.has(r.projectId)) : allRules;
  const rulesByProject = new Map<string, StoredRule[]>();
  for (const rule of rules) push(rulesByProject, rule.projectId, rule);
  const instancesByRule = new Map<string, AlertInstanceRow[]>();
  for (const i of instances) push(instancesByRule, i.ruleId, i);
  const silencesByProject = new Map<string, SilenceRow[]>();
  for (const s of active) push(silencesByProject, s.projectId, s);
  return {
    now,
    only,
    projects: new Map(projectRows.map((p) => [p.id, p])),
    rulesByProject,
    rulesById: new Map(rules.map((r) => [r.id, r])),
    instances: new Map(instances.map((i) => [instanceKey(i.ruleId, i.groupKey), i])),
    instancesByRule,
    silencesByProject,
    envChannels,
    dbChannels,
  };
}

/** Whether this run handles a project. */
export function inRun(ctx: Pick<RunContext, 'only'>, projectId: string): boolean {
  return ctx.only === null || ctx.only.has(projectId);
}

/** The channels that may notify a project: the environment's, then the project's own. */
export function projectChannels(ctx: RunContext, projectId: string): ConfiguredChannel[] {
  const own = ctx.dbChannels.get(projectId);
  return own ? [...ctx.envChannels, ...own] : ctx.envChannels;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
