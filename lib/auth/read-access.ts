import 'server-only';
import { auth } from '@clerk/nextjs/server';
import { AppError, databaseFailure } from '@/lib/http/errors';
import { ensureBootstrap } from '@/lib/projects/bootstrap';
import { getProjectById, listVisibleProjects } from '@/lib/projects/queries';
import { bearerToken } from './api-key-format';
import { authenticateApiKey } from './api-keys';
import { requireMember, requireViewer } from './members';
import { actorOf, getAuthConfig } from './viewer';

export type ReadScope = { projectId: string; projectSlug: string; via: 'key' | 'session'; actor: string };

/**
 * Who may read which project through the JSON read API. A Bearer token that is not a valid Clerk session
 * is an API key: it needs the `read` scope and reads only its own project. A session reads the projects
 * its user may see (organization, or the installation's lists): anyone else gets 403, and a project they
 * may not see is the same 404 as a missing one. `projectSlug` is read after authentication. Throws AppError
 * 401/403/404/503, never redirects.
 */
export async function resolveReadScope(
  request: Request,
  projectSlug: () => string | null,
): Promise<ReadScope> {
  // Read only once the caller is known: a stranger learns nothing of the parameters' rules.
  const slug = () => projectSlug()?.trim() || null;
  const token = bearerToken(request.headers.get('authorization'));
  const { mode } = getAuthConfig();
  if (mode === 'clerk') {
    const { userId } = await auth();
    if (userId) return sessionScope(slug);
    if (token && looksLikeJwt(token)) {
      throw new AppError('unauthorized', 'The session token is invalid or expired: sign in again.', {
        'WWW-Authenticate': 'Bearer',
      });
    }
  } else if ((mode === 'local' || mode === 'none') && !token) {
    return sessionScope(slug);
  }
  if (!token) {
    throw new AppError(
      'unauthorized',
      'Sign in, or send "Authorization: Bearer <api key>" with a key that has the "read" scope.',
      {
        'WWW-Authenticate': 'Bearer',
      },
    );
  }
  const key = await authenticateApiKey(request, 'read');
  const project = await db(() => getProjectById(key.projectId));
  if (!project)
    throw new AppError('unauthorized', 'Unknown or revoked API key; create one under Settings > API keys.');
  const wanted = slug();
  if (wanted && wanted !== project.slug) {
    throw new AppError(
      'forbidden',
      `This API key reads project "${project.slug}" only; drop the project parameter or use a key of that project.`,
    );
  }
  return { projectId: project.id, projectSlug: project.slug, via: 'key', actor: `api_key:${key.keyId}` };
}

async function sessionScope(slug: () => string | null): Promise<ReadScope> {
  return db(async () => {
    const viewer = await requireViewer('read the API');
    await ensureBootstrap();
    const wanted = slug();
    const ref = wanted ? { slug: wanted } : await firstVisible(viewer);
    const member = await requireMember(viewer, ref, 'viewer', 'read the API');
    return {
      projectId: member.projectId,
      projectSlug: member.projectSlug,
      via: 'session',
      actor: actorOf(viewer),
    };
  });
}

async function firstVisible(viewer: Parameters<typeof listVisibleProjects>[0]): Promise<{ id: string }> {
  const [first] = await listVisibleProjects(viewer);
  if (!first)
    throw new AppError(
      'not_found',
      'No project is shared with you yet: create one under Settings, or ask an admin.',
    );
  return { id: first.id };
}

async function db<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    databaseFailure(error, 'The database is unreachable; retry shortly.');
  }
}

/** Session tokens are JWTs; API keys never carry a JSON header segment. */
function looksLikeJwt(token: string): boolean {
  const [header, payload, signature, extra] = token.split('.');
  if (!header || !payload || !signature || extra !== undefined) return false;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'alg' in parsed;
  } catch {
    return false;
  }
}
