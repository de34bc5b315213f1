// Browser tests: Debian's Chromium driven by playwright-core against a test app
// listening on an ephemeral loopback port.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeTestApp, PASSWORD, type TestContext } from './test-app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export interface ServedApp extends TestContext {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** A fresh test app (temp database) listening on 127.0.0.1 at a free port, or at `port` (when BASE_URL must name it). */
export async function serveTestApp(env: Record<string, string> = {}, port = 0): Promise<ServedApp> {
  const t = makeTestApp(env);
  const server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  const listening = (server.address() as AddressInfo).port;
  return {
    ...t,
    url: `http://127.0.0.1:${listening}`,
    server,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      t.close();
    },
  };
}

/** Logs `page` in as `username` through the real form, landing on `next`. */
export async function logInThroughForm(page: Page, served: Pick<ServedApp, 'url'>, next: string, username = 'alice'): Promise<void> {
  await page.goto(`${served.url}/admin/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${served.url}${next}`);
}

