// The desk's writes that route handlers used to open transactions for: each change
// with its audit row, in one transaction. Interim: the moderation, users and posts
// services (issue 7, the services half) take these over, rule by rule.
import type { CommentsService, PostOutcome } from '../comments/comments-service.js';
import type { QueuedComment } from '../comments/comments-repository.js';
import type { Db } from '../db/open.js';
import { renderCommentMarkdown } from '../markdown.js';
import type { Post } from '../posts/posts-repository.js';
import type { PostDraft, PostsService } from '../posts/posts-service.js';
import type { Repositories } from '../repositories.js';
import type { Settings } from '../settings/settings.js';
import type { NewUser, Role, User } from '../users/users-repository.js';
import { ACTION_STATUS, type ModerationAction } from './comment-moderation.js';
import { roleChangeProblem } from './user-form.js';

type Author = Pick<User, 'id' | 'display_name' | 'email'>;

export function createDeskService(db: Db, repos: Repositories, services: { posts: PostsService; comments: CommentsService }) {
  return {
    moderate: db.transaction((comment: QueuedComment, action: ModerationAction, userId: number): void => {
      if (action === 'delete') repos.comments.deletePermanently(comment.id);
      else repos.comments.setStatus(comment.id, ACTION_STATUS[action]);
      // Reviewed and kept: readers' reports so far are answered, counting starts again.
      if (action === 'approve') repos.reports.clearFor([comment.id]);
      repos.audit.record({ userId, action: `comment.${action}`, subject: `comment:${comment.id}`, detail: `on post:${comment.post_id} by ${comment.author_name}` });
    }),

    moderateMany: db.transaction((ids: readonly number[], action: ModerationAction, userId: number): void => {
      if (action === 'delete') {
        // Newest first, so replies go before their parents and a parent left with
        // no replies is removed rather than kept as a placeholder.
        for (const id of [...ids].sort((a, b) => b - a)) repos.comments.deletePermanently(id);
      } else {
        repos.comments.setStatusMany(ids, ACTION_STATUS[action]);
        if (action === 'approve') repos.reports.clearFor(ids);
      }
      repos.audit.record({ userId, action: `comment.bulk-${action}`, subject: ids.map((id) => `comment:${id}`).join(' ').slice(0, 500), detail: `${ids.length} comments` });
    }),

    editComment: db.transaction((commentId: number, text: string, userId: number): void => {
      repos.comments.setBody(commentId, text, renderCommentMarkdown(text));
      repos.audit.record({ userId, action: 'comment.edit', subject: `comment:${commentId}` });
    }),

    // The audit line belongs to the reply: the service's own transaction nests in this one.
    replyToComment: db.transaction((parent: QueuedComment, user: Author, text: string, settings: Settings): PostOutcome => {
      const result = services.comments.postAuthorReply({ id: parent.post_id }, user, parent.id, text, settings);
      if (result.kind === 'stored') {
        repos.audit.record({ userId: user.id, action: 'comment.reply', subject: `comment:${result.id}`, detail: `reply to comment:${parent.id}` });
      }
      return result;
    }),

    createPost: db.transaction((draft: PostDraft, userId: number): number => {
      const id = services.posts.create(draft);
      repos.audit.record({ userId, action: `${draft.kind}.create`, subject: `post:${id}`, detail: draft.title });
      return id;
    }),

    updatePost: db.transaction((post: Post, draft: PostDraft, userId: number): void => {
      services.posts.update(post.id, draft);
      const after = repos.posts.findById(post.id)!;
      const detail = after.slug !== post.slug ? `slug ${post.slug} → ${after.slug}` : after.title;
      repos.audit.record({ userId, action: `${post.kind}.update`, subject: `post:${post.id}`, detail });
    }),

    removePost: db.transaction((post: Post, userId: number): void => {
      repos.posts.remove(post.id);
      repos.audit.record({ userId, action: `${post.kind}.delete`, subject: `post:${post.id}`, detail: `${post.title} (${post.slug})` });
    }),

    /** False when the name is taken: checked again in the write, as another request may have taken it during the hash. */
    createUser(user: NewUser, actorId: number): boolean {
      return db.transaction((): boolean => {
        if (repos.users.findByUsername(user.username)) return false;
        const created = repos.users.create(user);
        repos.audit.record({ userId: actorId, action: 'user.create', subject: `user:${created.id}`, detail: `${user.username} as ${user.role}` });
        return true;
      }).immediate();
    },

    /** Why the role cannot change (the last administrator), or undefined when it did. */
    changeRole(target: User, role: Role, actorId: number): string | undefined {
      return db.transaction(() => {
        const why = roleChangeProblem(target.role, role, repos.users.countAdmins());
        if (why) return why;
        repos.users.setRole(target.id, role);
        repos.audit.record({ userId: actorId, action: 'user.role', subject: `user:${target.id}`, detail: `${target.role} → ${role}` });
        return undefined;
      }).immediate();
    },

    /** `action`: 'user.password' for one's own, 'user.password-reset' for the administrator's. */
    setPassword: db.transaction((targetId: number, hash: string, actorId: number, action: 'user.password' | 'user.password-reset'): void => {
      repos.users.setPasswordHash(targetId, hash);
      repos.audit.record({ userId: actorId, action, subject: `user:${targetId}` });
    }),
  };
}
