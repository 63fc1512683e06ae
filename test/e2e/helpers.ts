import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';

/** Debian's Chromium (issue #9 "Tests"); .ci/run installs it. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const SKIP_REASON = `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`;

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'console');

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

/** Full-page screenshot kept as a test artefact (test-artifacts/console/, gitignored). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js');

/** `smart-audio keys create --policy` against the running server's data directory. */
export async function createSubKey(dataDir: string, policyFile: string, name: string): Promise<{ id: string; key: string }> {
  const { stdout } = await run(process.execPath, [BIN, 'keys', 'create', '--policy', policyFile, '--name', name, '--data-dir', dataDir], {
    env: { ...process.env, SMART_AUDIO_SECRET_ID: '', SMART_AUDIO_SECRET_KEY: '' },
  });
  const id = /SecretId=(\S+)/.exec(stdout)?.[1];
  const key = /SecretKey=(\S+)/.exec(stdout)?.[1];
  if (!id || !key) throw new Error(`keys create printed no key: ${stdout}`);
  return { id, key };
}

/** Signs in through the form. */
export async function signIn(page: Page, url: string, id: string, key: string): Promise<void> {
  // url: the server's origin, e.g. http://127.0.0.1:port
  await page.goto(`${url}/console/`);
  await page.getByLabel('SecretId').fill(id);
  await page.getByLabel('SecretKey').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
