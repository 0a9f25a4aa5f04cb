import 'server-only';

/** Every read of the dashboards and of `GET /api/v1/stats/*`, each scoped to one project. */
export { getOverview } from './queries/overview';
export { getExperience } from './queries/experience';
export { getAi } from './queries/ai';
export { getSystem } from './queries/system';
export { searchLogs } from './queries/logs';
export { getFilterOptions } from './queries/options';
export { getPrometheusExposition } from './queries/prometheus';
