// People: the administrator adds users, changes roles, resets passwords and edits
// anyone's profile; everyone has an Account page for their own profile and password.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { generatePassword, MAX_PASSWORD_LENGTH } from '../users/passwords.js';
import type { User } from '../users/users-repository.js';
import { isRole, passwordMessage, type ProfileInput } from '../users/user-rules.js';
import { parseId, text, type FieldErrors } from '../http/forms.js';
import { assertAdmin, isAdmin } from './permissions.js';
import { flash, me, renewLogin } from './session-auth.js';

interface UsersView {
  newUser?: Record<string, string>;
  errors?: FieldErrors;
  /** Errors of one row's forms, by user id. */
  rowErrors?: Record<number, FieldErrors>;
  generated?: { username: string; password: string };
}

export function usersRoutes(ctx: AppContext): Router {
  const { repos, clock } = ctx;
  const { users } = ctx.services;
  const router = Router();

  /** The administrator's list of people; every caller has checked the role. */
  function render(res: Response, status: number, view: UsersView = {}) {
    res.status(status).render('admin/users', {
      pageTitle: 'Users',
      users: repos.users.list(),
      newUser: view.newUser ?? { username: '', display_name: '', email: '', role: 'author' },
      errors: view.errors ?? {},
      rowErrors: view.rowErrors ?? {},
      generated: view.generated,
    });
  }

  function loadUser(req: Request<{ id: string }>, res: Response): User {
    assertAdmin(me(res));
    const id = parseId(req.params.id);
    const user = id === undefined ? undefined : repos.users.findById(id);
    if (!user) throw notFound('There is no such user.');
    return user;
  }

  interface AccountView {
    profile?: ProfileInput;
    errors?: FieldErrors;
  }

  /** The Account page: `target`'s profile, and the password form when it is the viewer's own. */
  function renderAccount(res: Response, target: User, status: number, view: AccountView = {}) {
    const own = target.id === me(res).id;
    res.status(status).render('admin/account', {
      pageTitle: own ? 'Your account' : `Profile of ${target.display_name}`,
      target,
      own,
      profile: view.profile ?? { display_name: target.display_name, bio: target.bio, email: target.email },
      errors: view.errors ?? {},
    });
  }

  const readProfile = (body: unknown): ProfileInput => ({
    display_name: text(body, 'display_name').slice(0, 1000),
    bio: text(body, 'bio').slice(0, 5000),
    email: text(body, 'email').slice(0, 1000),
  });

  /** Saves a profile, or gives the form back with what was typed; `back` is where a saved one leads. */
  function saveProfile(req: Request, res: Response, target: User, back: string) {
    const profile = readProfile(req.body);
    const outcome = users.updateProfile(target, profile, me(res).id);
    if (outcome.kind === 'invalid') return renderAccount(res, target, 422, { profile, errors: outcome.errors });
    const whose = target.id === me(res).id ? 'Your profile' : `The profile of ${target.username}`;
    flash(req, outcome.changed ? `${whose} is saved.` : 'Nothing changed.');
    res.redirect(303, back);
  }

  const account = (_req: Request, res: Response) => renderAccount(res, me(res), 200);
  const updateAccount = (req: Request, res: Response) => saveProfile(req, res, me(res), '/admin/account');
  const editProfile = (req: Request<{ id: string }>, res: Response) => renderAccount(res, loadUser(req, res), 200);
  const updateProfile = (req: Request<{ id: string }>, res: Response) => saveProfile(req, res, loadUser(req, res), '/admin/users');

  /** The list is the administrator's; anyone else's own account has its own page. */
  function list(_req: Request, res: Response) {
    if (!isAdmin(me(res))) return res.redirect(302, '/admin/account');
    render(res, 200);
  }

  async function create(req: Request, res: Response) {
    assertAdmin(me(res));
    const form = {
      username: text(req.body, 'username').slice(0, 200),
      display_name: text(req.body, 'display_name').slice(0, 200),
      email: text(req.body, 'email').slice(0, 300),
      role: text(req.body, 'role'),
      password: text(req.body, 'password').slice(0, MAX_PASSWORD_LENGTH + 1),
    };
    const outcome = await users.add(form, me(res).id);
    const { password: _typedPassword, ...kept } = form;
    if (outcome.kind === 'invalid') return render(res, 422, { newUser: kept, errors: outcome.errors });
    flash(req, `Added ${outcome.user.username}.`);
    res.redirect(303, '/admin/users');
  }

  function changeRole(req: Request<{ id: string }>, res: Response) {
    const target = loadUser(req, res);
    const role = text(req.body, 'role');
    if (!isRole(role)) return render(res, 422, { rowErrors: { [target.id]: { role: 'Choose administrator or author.' } } });
    const problem = users.changeRole(target, role, me(res).id);
    if (problem) return render(res, 422, { rowErrors: { [target.id]: { role: problem } } });
    if (target.id === me(res).id) renewLogin(req, clock());
    flash(req, `${target.username} is now ${role === 'admin' ? 'an administrator' : 'an author'}.`);
    res.redirect(303, '/admin/users');
  }

  /** The administrator sets a new password, typed or (left blank) generated and shown once. */
  async function resetPassword(req: Request<{ id: string }>, res: Response) {
    const target = loadUser(req, res);
    const typed = text(req.body, 'password');
    const password = typed || generatePassword();
    const problem = await users.setPassword(target, password, me(res).id);
    if (problem) return render(res, 422, { rowErrors: { [target.id]: { password: passwordMessage(problem) } } });
    if (target.id === me(res).id) renewLogin(req, clock());
    if (typed) {
      flash(req, `New password set for ${target.username}.`);
      return res.redirect(303, '/admin/users');
    }
    render(res, 200, { generated: { username: target.username, password } });
  }

  async function changeOwnPassword(req: Request, res: Response) {
    const user = me(res);
    const form = {
      current_password: text(req.body, 'current_password').slice(0, MAX_PASSWORD_LENGTH + 1),
      new_password: text(req.body, 'new_password').slice(0, MAX_PASSWORD_LENGTH + 1),
      confirm_password: text(req.body, 'confirm_password').slice(0, MAX_PASSWORD_LENGTH + 1),
    };
    const errors = await users.changeOwnPassword(user, form);
    if (errors) return renderAccount(res, user, 422, { errors });
    renewLogin(req, clock());
    flash(req, 'Your password is changed; any other sessions of yours have ended.');
    res.redirect(303, '/admin/account');
  }

  router.get('/account', account);
  router.post('/account', updateAccount);
  router.get('/users', list);
  router.post('/users', create);
  router.get('/users/:id/edit', editProfile);
  router.post('/users/:id/profile', updateProfile);
  router.post('/users/:id/role', changeRole);
  router.post('/users/:id/password', resetPassword);
  router.post('/password', changeOwnPassword);
  return router;
}
