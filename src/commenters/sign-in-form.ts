// What the comment form shows about signing in, as a view model from plain values:
// "You are commenting as NAME · Log out · Change" for a signed-in commenter, or the
// sign-in buttons (each a submit button of the comment form itself, so typed text
// travels with it and is kept server-side). Staff get neither: they post as themselves.
import type { Commenter } from './commenters-repository.js';

/** A configured OpenID Connect provider, as its button shows it (POST /auth/:id). */
export interface SignInProvider {
  id: string;
  name: string;
  iconUrl: string | null;
}

export interface SignInView {
  /** Signed in: the name (and picture, when remote avatars are allowed) the form says it comments as. */
  commenter: { name: string; pictureUrl: string | null } | null;
  /** The sign-in buttons, or null when none are shown (signed in and not changing, or nothing enabled). */
  choices: { email: boolean; providers: readonly SignInProvider[] } | null;
  /** The form's hidden `return` field: the post, where a sign-in comes back to with the typed text. */
  returnPath: string;
  /** "Change": the same page showing the sign-in choices again. */
  changeHref: string;
  /** Leaves the choices without changing anything. */
  cancelHref: string;
}

export interface SignInInput {
  slug: string;
  commenter: Commenter | null;
  /** A staff member is signed in: the form posts as them and offers no commenter sign-in. */
  staff: boolean;
  /** `?signin=change`: a signed-in commenter asked to see the choices again. */
  changing: boolean;
  emailSignIn: boolean;
  providers: readonly SignInProvider[];
  remoteAvatars: boolean;
  replyToId: number | undefined;
}

export function signInView(i: SignInInput): SignInView | null {
  if (i.staff) return null;
  const reply = i.replyToId === undefined ? '' : `replyto=${i.replyToId}`;
  const enabled = i.emailSignIn || i.providers.length > 0;
  return {
    commenter: i.commenter ? { name: i.commenter.name, pictureUrl: i.remoteAvatars ? i.commenter.picture_url : null } : null,
    choices: enabled && (i.commenter === null || i.changing) ? { email: i.emailSignIn, providers: i.providers } : null,
    returnPath: `/posts/${i.slug}`,
    changeHref: `/posts/${i.slug}?${reply === '' ? '' : `${reply}&`}signin=change#respond`,
    cancelHref: `/posts/${i.slug}${reply === '' ? '' : `?${reply}`}#respond`,
  };
}
