import { SkeletonForm } from '@/components/alerts/rules/skeleton-form';

export default function EditAlertRuleLoading() {
  return <SkeletonForm label="Loading the rule…" />;
}
