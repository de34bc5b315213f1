// Logging in through the real form, for admin tests: an agent that keeps the
// session cookie, and the CSRF token from any admin page.
import request from 'supertest';
import { PASSWORD, type TestContext } from './test-app.js';


export type Agent = ReturnType<typeof request.agent>;

/** The `_csrf` value of the first form on the page at `path`. */
export async function pageToken(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no _csrf on ${path} (status ${res.status})`);
  return match[1]!;
}

/** An agent logged in as `username`. */
export async function loginAs(t: TestContext, username: string, password = PASSWORD): Promise<Agent> {
  const agent = request.agent(t.app);
  const token = await pageToken(agent, '/admin/login');
  const res = await agent.post('/admin/login').type('form').send({ username, password, _csrf: token });
  if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}`);
  return agent;
}

/** POSTs a form with a fresh token taken from `tokenPage`. */
export async function postForm(agent: Agent, path: string, fields: Record<string, string | string[]>, tokenPage = '/admin'): Promise<request.Response> {
  const token = await pageToken(agent, tokenPage);
  return agent.post(path).type('form').send({ ...fields, _csrf: token });
}
