import { SkeletonForm } from '@/components/alerts/rules/skeleton-form';

export default function EditChannelLoading() {
  return <SkeletonForm label="Loading the channel…" fields={6} />;
}
