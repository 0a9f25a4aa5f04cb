import 'server-only';
import type { z } from 'zod';
import { adminOnlyMessage, mayCreateProjects, type ProjectRole } from '@/lib/auth/access';
import { auditRefusal, requireMember, requireProjectCreator, requireViewer } from '@/lib/auth/members';
import type { Member, Viewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';
import { authorizedAction, type ActionOk } from './validated-action';

/**
 * A server action on the project named by the form's `projectId`, for members with at least `required`
 * (viewers read and acknowledge; admins change settings, rules, channels, silences and keys). `what`
 * completes "Only admins of this project can ..." in the refusal.
 */
export function projectAction<S extends z.ZodType, T extends object>(
  required: ProjectRole,
  what: string,
  schema: S,
  fn: (data: z.output<S>, member: Member, formData: FormData) => Promise<ActionOk<T>>,
) {
  return authorizedAction(
    async (formData) => {
      const viewer = await requireViewer(what);
      // Someone who administers nothing is refused before any project is looked up.
      if (required === 'admin' && !mayCreateProjects(viewer)) {
        await auditRefusal(viewer, what, 'role');
        throw new AppError('forbidden', adminOnlyMessage(what));
      }
      const projectId = formData.get('projectId');
      if (typeof projectId !== 'string' || projectId === '') {
        throw new AppError('bad_request', 'Pick a project first.');
      }
      return requireMember(viewer, { id: projectId }, required, what);
    },
    schema,
    fn,
  );
}

/** A server action that creates a project: installation admins, or organization admins (for their organization). */
export function creatorAction<S extends z.ZodType, T extends object>(
  schema: S,
  fn: (data: z.output<S>, viewer: Viewer, formData: FormData) => Promise<ActionOk<T>>,
) {
  return authorizedAction(() => requireProjectCreator(), schema, fn);
}
