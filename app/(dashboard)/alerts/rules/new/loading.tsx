import { SkeletonForm } from '@/components/alerts/rules/skeleton-form';

export default function NewAlertRuleLoading() {
  return <SkeletonForm label="Loading the rule editor…" />;
}
