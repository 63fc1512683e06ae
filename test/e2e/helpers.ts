import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';

/**
 * The browsers the console is checked in (issue #9 §7 "works in current Chromium and Firefox"),
 * both from Debian's packages; .ci/run installs them. Chromium is driven over CDP; stock Firefox
 * over WebDriver BiDi (playwright's `moz-firefox` channel), since playwright's own patched Firefox
 * would be a download from outside the npm registry.
 *
 * playwright-core is pinned to 1.64.1: 1.65 sends `emulation.setMediaFeaturesOverride` when it
 * opens a page, which Firefox ESR 153 answers with "unknown command".
 */
export type BrowserName = 'chromium' | 'firefox';

const BROWSERS: Record<BrowserName, { executable: string; debianPackage: string }> = {
  chromium: { executable: '/usr/bin/chromium', debianPackage: 'chromium' },
  firefox: { executable: '/usr/bin/firefox-esr', debianPackage: 'firefox-esr' },
};

export function haveBrowser(name: BrowserName): boolean {
  return existsSync(BROWSERS[name].executable);
}

export function skipReason(name: BrowserName): string {
  const b = BROWSERS[name];
  return `${b.executable} is not installed (apt-get install ${b.debianPackage}; .ci/run installs it)`;
}

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'console');

export interface LaunchOptions {
  /** A host name the browser resolves to 127.0.0.1 (to load the console from a non-loopback origin). */
  loopbackAlias?: string;
}

export async function launch(name: BrowserName, options: LaunchOptions = {}): Promise<Browser> {
  const { chromium, firefox } = await import('playwright-core');
  if (name === 'chromium') {
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'];
    if (options.loopbackAlias) args.push(`--host-resolver-rules=MAP ${options.loopbackAlias} 127.0.0.1`);
    return chromium.launch({ executablePath: BROWSERS.chromium.executable, args });
  }
  // Firefox: no outside connections (this machine's network is closed: updates, telemetry and
  // captive-portal checks would only fail), media may start without a gesture, as for Chromium.
  const firefoxUserPrefs: Record<string, string | number | boolean> = {
    'media.autoplay.default': 0,
    'app.update.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
  };
  if (options.loopbackAlias) firefoxUserPrefs['network.dns.localDomains'] = options.loopbackAlias;
  return firefox.launch({
    channel: 'moz-firefox',
    executablePath: BROWSERS.firefox.executable,
    headless: true,
    firefoxUserPrefs,
  });
}

/** Full-page screenshot kept as a test artefact (test-artifacts/console/<browser>/, gitignored). */
export async function shot(page: Page, name: string): Promise<void> {
  const browser = page.context().browser()?.browserType().name() ?? 'browser';
  const dir = join(ARTIFACTS, browser);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
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
