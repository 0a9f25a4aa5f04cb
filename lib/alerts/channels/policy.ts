/**
 * The installation's reach policy, from `CHANNEL_ALLOWED_HOSTS`. Channels from the environment
 * (`env:webhook`, `env:slack`, `env:pagerduty`, `env:email`) are exempt: the operator wrote those URLs, as
 * they wrote `CHANNEL_ALLOWED_HOSTS` itself; channels saved in the settings UI are held to it, at save time
 * and again on every send.
 */
import { env } from '@/lib/env';
import {
  checkedAddresses,
  describeRefusalForForm,
  parseAllowedHosts,
  staticRefusal,
  UNRESTRICTED_REACH,
  type AllowedHost,
  type Lookup,
  type ReachPolicy,
} from './reach';
import { systemLookup } from './transport';
import { isInstallationChannel } from './configured';

const SAVE_LOOKUP_TIMEOUT_MS = 3_000;

let allowed: { raw: string | undefined; hosts: AllowedHost[] } | undefined;

export function allowedChannelHosts(): AllowedHost[] {
  const raw = env.CHANNEL_ALLOWED_HOSTS;
  const cached = allowed;
  if (cached && cached.raw === raw) return cached.hosts;
  const hosts = parseAllowedHosts(raw);
  allowed = { raw, hosts };
  return hosts;
}

/** The policy a delivery through channel `channelId` (`env:<type>` or `db:<uuid>`) runs under. */
export function reachPolicyFor(channelId: string): ReachPolicy {
  return isInstallationChannel(channelId) ? UNRESTRICTED_REACH : { allowedHosts: allowedChannelHosts() };
}

/**
 * Why a settings channel may not use this URL (the field named, and the variable that would allow it), or
 * null. Resolves the host now: a name that does not resolve yet is let through, and checked at send time.
 */
export async function channelUrlProblem(
  rawUrl: string,
  label: string,
  protocols: readonly string[],
  {
    lookup = systemLookup,
    policy = { allowedHosts: allowedChannelHosts() },
  }: { lookup?: Lookup; policy?: ReachPolicy } = {},
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return `${label} is not a valid URL.`;
  }
  const early = staticRefusal(url, policy, protocols);
  if (early) return describeRefusalForForm(label, early, protocols);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), SAVE_LOOKUP_TIMEOUT_MS);
    });
    const checked = await Promise.race([checkedAddresses(url, policy, lookup), deadline]);
    if (checked && !checked.ok) return describeRefusalForForm(label, checked.refusal, protocols);
  } catch {
    // not resolvable now: the send-time check decides
  } finally {
    clearTimeout(timer);
  }
  return null;
}
