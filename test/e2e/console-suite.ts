import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildJobSpec } from '../../src/domain/jobs/submit.ts';
import { validateNotifyConfig } from '../../src/domain/queues.ts';
import { validateTemplateRequest } from '../../src/domain/templates/index.ts';
import { makeMedia, songMp3 } from '../helpers/media.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { type BrowserName, createSubKey, haveBrowser, launch, shot, signIn, skipReason } from './helpers.ts';

/**
 * The web console end to end (issue #9 "Tests"): a browser from Debian
 * (Chromium, and Firefox ESR for §7) drives the real server on loopback. Sign in, create a bucket, enable Smart Audio,
 * upload, create a template (after the form showed the API's own validation
 * message), submit a VoiceSeparate job, wait for Success, play a stem.
 * A bad key and a denied action show their errors. Screenshots go to
 * test-artifacts/console/<browser>/. Each browser's suite is its own test
 * file (console-chromium.test.ts, console-firefox.test.ts) with its own server.
 */
const Bucket = `console-${APPID}`;
const JOB_TIMEOUT_MS = 180_000;

export function consoleSuite(browserName: BrowserName): void {
  describe(`web console in ${browserName}`, { skip: haveBrowser(browserName) ? false : skipReason(browserName) }, () => {
    let server: TestServer;
    let browser: Browser;
    let page: Page;
    const work = mkdtempSync(join(tmpdir(), 'smart-audio-console-'));
    /** Every URL the main page asked for: all must be this server's (issue #9 §7, no external access). */
    const requested: string[] = [];

    before(async () => {
      server = await startTestServer({ 'credential-cache-ms': '0' });
      browser = await launch(browserName);
      page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      page.on('dialog', (d) => void d.accept());
      page.on('request', (r) => requested.push(r.url()));
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test('sign in, bucket, Smart Audio, upload, template, job, play the stems', { timeout: JOB_TIMEOUT_MS + 120_000 }, async () => {
      await signIn(page, server.url, ROOT_ID, ROOT_KEY);
      await page.getByRole('heading', { name: 'Buckets' }).waitFor();
      await page.getByText(`APPID ${APPID}`).waitFor();

      // Create a bucket (the APPID suffix is added when left out) and enable Smart Audio.
      const create = page.getByRole('form', { name: 'Create a bucket' });
      await create.getByLabel('Bucket name').fill('console');
      await create.getByRole('button', { name: 'Create bucket' }).click();
      const row = page.getByRole('row').filter({ hasText: Bucket });
      await row.waitFor();
      await row.getByRole('button', { name: 'Enable Smart Audio' }).click();
      await row.getByRole('cell', { name: 'Enabled' }).waitFor();
      await shot(page, '01-buckets');

      // Upload through the file input of the drop zone; the progress bar ends full.
      await row.getByRole('link', { name: Bucket }).click();
      await page.getByRole('heading', { name: `${Bucket} — Objects` }).waitFor();
      const song = join(work, 'song.mp3');
      writeFileSync(song, songMp3(3));
      const upload = page.getByRole('form', { name: 'Upload audio or video' });
      await upload.getByLabel('Files').setInputFiles(song);
      await upload.getByRole('button', { name: 'Upload' }).click();
      await page.getByText('Uploaded input/song.mp3').waitFor();
      assert.equal(await upload.getByRole('progressbar').evaluate((p) => (p as HTMLProgressElement).value), 1);
      await page.getByRole('row').filter({ hasText: 'input/song.mp3' }).waitFor();
      await shot(page, '02-objects');

      // Templates: an invalid value is refused before sending, with the API's own message.
      await page.getByRole('link', { name: 'Templates' }).click();
      const tform = page.getByRole('form', { name: 'Create a template' });
      await tform.getByLabel('Name', { exact: true }).fill('console_vs');
      await tform.getByLabel('AudioMode').selectOption('AudioAndBackground');
      await tform.getByLabel('AudioConfig › Codec').selectOption('mp3');
      await tform.getByLabel('AudioConfig › Samplerate').fill('12345');
      await tform.getByRole('button', { name: 'Create template' }).click();
      const expected = (() => {
        try {
          validateTemplateRequest({ tag: 'VoiceSeparate', name: 'console_vs', raw: { AudioMode: 'AudioAndBackground', AudioConfig: { Codec: 'mp3', Samplerate: '12345' } } });
        } catch (err) {
          return (err as Error).message;
        }
        assert.fail('the server-side validator accepted Samplerate 12345');
      })();
      const formStatus = page.locator('#template-form-status');
      await formStatus.getByText(expected).waitFor();
      assert.match(await formStatus.innerText(), /InvalidArgument/);
      await shot(page, '03-template-invalid');
      await tform.getByLabel('AudioConfig › Samplerate').fill('44100');
      await tform.getByRole('button', { name: 'Create template' }).click();
      await formStatus.getByText(/Template console_vs saved/).waitFor();
      await page.getByRole('row').filter({ hasText: 'console_vs' }).waitFor();
      await shot(page, '04-templates');

      // Submit a VoiceSeparate job with that template and follow it to Success.
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      const jform = page.getByRole('form', { name: 'Submit a job' });
      await jform.getByLabel('Input object').fill('input/song.mp3');
      await jform.getByLabel('Template').selectOption({ label: 'console_vs (Custom)' });
      await jform.getByRole('button', { name: 'Submit job' }).click();
      const jobLink = page.locator('#job-form-status a');
      await jobLink.waitFor();
      const jobId = (await jobLink.innerText()).trim();
      assert.match(jobId, /^j[0-9a-f]{32}$/);
      await page.locator(`#jobs-table tr[data-job="${jobId}"]`).waitFor();
      await shot(page, '05-jobs');
      await jobLink.click();
      await page.locator('#job-state').getByText('Success').waitFor({ timeout: JOB_TIMEOUT_MS });

      // Results: input + voice + background, each decoded and drawn.
      const stems = page.locator('section.stem[data-drawn="true"]');
      await page.waitForFunction(() => document.querySelectorAll('section.stem[data-drawn="true"]').length === 3, undefined, { timeout: 60_000 });
      assert.equal(await stems.count(), 3);
      for (const label of ['Input', 'Voice', 'Background']) await page.getByRole('heading', { name: label, exact: true }).waitFor();
      const duration = await page.locator('audio[data-stem="Voice"]').evaluate(async (a: HTMLAudioElement) => {
        if (!Number.isFinite(a.duration) || a.readyState < 1) await new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true }));
        return a.duration;
      });
      assert.ok(Math.abs(duration - 3) < 0.5, `voice stem duration ${duration} s, expected about 3 s`);

      // Solo the voice: every other stem is muted; play all in step.
      await page.locator('section.stem', { hasText: 'Voice' }).getByRole('button', { name: 'Solo' }).click();
      const muted = await page.locator('audio').evaluateAll((as) => as.map((a) => [(a as HTMLAudioElement).dataset.stem, (a as HTMLAudioElement).muted]));
      assert.deepEqual(Object.fromEntries(muted), { Input: true, Voice: false, Background: true });
      await page.getByRole('button', { name: 'Play all' }).click();
      await page.waitForFunction(() => (document.querySelector('audio[data-stem="Voice"]') as HTMLAudioElement).currentTime > 0.3, undefined, { timeout: 15_000 });
      const times = await page.locator('audio').evaluateAll((as) => as.map((a) => (a as HTMLAudioElement).currentTime));
      assert.ok(Math.max(...times) - Math.min(...times) < 0.3, `stems out of step: ${times.join(', ')}`);
      await shot(page, '06-results');
      await page.getByRole('button', { name: 'Pause' }).click();
      const foreign = requested.filter((u) => !u.startsWith(server.url + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'the console only talks to its own server');
      assert.ok(requested.length > 20, `only ${requested.length} requests recorded`);
    });

    test('drop upload, queue settings, pause and cancel, NoiseReduction, failures, filters, edit and delete', { timeout: JOB_TIMEOUT_MS * 2 }, async () => {
      const base = `${server.url}/console/#/b/${Bucket}/${REGION}`;
      const messageOf = (fn: () => unknown) => { try { fn(); } catch (err) { return (err as Error).message; } return assert.fail('expected a validation error'); };

      // Drag and drop onto the drop zone: a noisy tone (wav) and a text file named .mp3.
      await page.goto(`${base}/objects`);
      const noisy = makeMedia('console-noisy.wav', ['-f', 'lavfi', '-i', 'sine=frequency=220:duration=2:sample_rate=16000', '-f', 'lavfi', '-i', 'anoisesrc=color=white:duration=2:sample_rate=16000:amplitude=0.1', '-filter_complex', 'amix=inputs=2', '-ac', '1']);
      for (const [name, bytes, type] of [['noisy.wav', noisy, 'audio/wav'], ['bad.mp3', Buffer.from('this is not audio at all\n'.repeat(40)), 'audio/mpeg']] as const) {
        const dt = await page.evaluateHandle(({ b64, name, type }) => {
          const d = new DataTransfer();
          d.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
          return d;
        }, { b64: bytes.toString('base64'), name, type });
        await page.locator('form.dropzone').dispatchEvent('drop', { dataTransfer: dt });
        await page.getByText(`Uploaded input/${name}`).waitFor();
      }
      await page.getByRole('row').filter({ hasText: 'input/noisy.wav' }).waitFor();
      // Preview an object before processing it: played and drawn in the page.
      await page.getByRole('row').filter({ hasText: 'input/noisy.wav' }).getByRole('button', { name: 'Listen' }).click();
      await page.getByRole('heading', { name: 'Listen: input/noisy.wav' }).waitFor();
      await page.locator('section.stem[data-drawn="true"]').waitFor();
      const long = join(work, 'long.mp3');
      writeFileSync(long, songMp3(40));
      await page.getByRole('form', { name: 'Upload audio or video' }).getByLabel('Files').setInputFiles(long);
      await page.getByRole('form', { name: 'Upload audio or video' }).getByRole('button', { name: 'Upload' }).click();
      await page.getByText('Uploaded input/long.mp3').waitFor();

      // Queue: notification settings are checked with the API's own rules; pause.
      await page.getByRole('link', { name: 'Smart Audio queue' }).click();
      const qform = page.getByRole('form', { name: 'Queue name and notifications' });
      await page.locator('.facts').getByText('Active').waitFor();
      await qform.getByLabel('State').selectOption('On');
      await qform.getByLabel('Type').selectOption('Url');
      await qform.getByRole('button', { name: 'Save settings' }).click();
      await qform.getByText(messageOf(() => validateNotifyConfig({ State: 'On', Type: 'Url' }))).waitFor();
      await qform.getByLabel('Event').fill('TaskFinish');
      await qform.getByLabel('Url').fill('https://example.com/hook');
      await qform.getByLabel('ResultFormat').selectOption('JSON');
      await qform.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Queue settings saved.').waitFor();
      // Settings were stored: the reloaded form shows them.
      assert.equal(await qform.getByLabel('Url').inputValue(), 'https://example.com/hook');
      assert.equal(await qform.getByLabel('ResultFormat').inputValue(), 'JSON');

      // A paused queue refuses new jobs (QueuePaused) and holds waiting ones: submit a long job
      // (it occupies the single worker) and a second one, pause, then cancel the waiting one.
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      const jform = page.getByRole('form', { name: 'Submit a job' });
      await jform.getByLabel('Input object').fill('input/long.mp3');
      // Without a template the form runs the server's submit rules first: AudioAndBackground needs AuObject.
      await jform.getByLabel('AuObject').fill('');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      const jobMessage = messageOf(() => buildJobSpec({
        Tag: 'VoiceSeparate', Input: { Object: 'input/long.mp3' },
        Operation: { inline: { VoiceSeparate: { AudioMode: 'AudioAndBackground', AudioConfig: { Codec: 'mp3' } } }, Output: { Region: REGION, Bucket, Object: 'output/${jobid}/background.${ext}' }, JobLevel: '0' },
      }, { bucket: Bucket, region: REGION, template: undefined }));
      await page.locator('#job-form-status').filter({ hasText: 'Not sent' }).waitFor();
      assert.equal(await page.locator('#job-form-status').innerText(), `Not sent — the API would refuse it: InvalidArgument: ${jobMessage}`);
      await jform.getByLabel('AuObject').fill('output/${jobid}/vocals.${ext}');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      const longId = (await page.locator('#job-form-status a').innerText()).trim();
      await jform.getByLabel('Input object').fill('input/noisy.wav');
      await jform.getByLabel('AudioMode').selectOption('IsAudio');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      await page.locator('#job-form-status a').filter({ hasNotText: longId }).waitFor();
      const waiting = (await page.locator('#job-form-status a').innerText()).trim();
      await page.getByRole('link', { name: 'Smart Audio queue' }).click();
      await page.getByRole('button', { name: 'Pause queue' }).click();
      await page.locator('.facts').getByText('Paused', { exact: true }).waitFor();
      await shot(page, '09-queue-paused');
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      await jform.getByLabel('Input object').fill('input/noisy.wav');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      await page.locator('#job-form-status').getByText('QueuePaused').waitFor();
      const wrow = page.locator(`#jobs-table tr[data-job="${waiting}"]`);
      await wrow.getByText('Submitted').waitFor();
      await wrow.getByRole('button', { name: 'Cancel' }).click();
      await wrow.getByText('Cancel', { exact: true }).waitFor();
      await page.getByRole('link', { name: 'Smart Audio queue' }).click();
      await page.getByRole('button', { name: 'Resume queue' }).click();
      await page.locator('.facts').getByText('Active').waitFor();
      await qform.getByLabel('State').selectOption('Off');
      await qform.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Queue settings saved.').waitFor();

      // NoiseReduction with inline parameters, followed to Success and played back.
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      await jform.getByLabel('Tag').selectOption('NoiseReduction');
      await jform.getByLabel('Input object').fill('input/noisy.wav');
      await jform.getByLabel('Format').selectOption('wav');
      await jform.getByLabel('SampleRate').fill('16000');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      const nrId = (await page.locator('#job-form-status a').innerText()).trim();
      // A job on a file that is not audio fails, with its Code and Message.
      await jform.getByLabel('Tag').selectOption('VoiceSeparate');
      await jform.getByLabel('Input object').fill('input/bad.mp3');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      await page.locator('#job-form-status a').filter({ hasNotText: nrId }).waitFor();
      const badId = (await page.locator('#job-form-status a').innerText()).trim();

      // Tts from the form: the API either accepts it (a job link) or answers with its error, shown with its Code.
      await jform.getByLabel('Tag').selectOption('Tts');
      assert.equal(await jform.getByLabel('Input object').isHidden(), true);
      await jform.getByLabel('VoiceType').selectOption('aixiaonan');
      await jform.getByRole('button', { name: 'Submit job' }).click();
      await page.locator('#job-form-status a').filter({ hasNotText: badId }).or(page.locator('#job-form-status .code')).first().waitFor();

      await page.goto(`${base}/job/${nrId}`);
      await page.locator('#job-state').getByText('Success').waitFor({ timeout: JOB_TIMEOUT_MS });
      await page.waitForFunction(() => document.querySelectorAll('section.stem[data-drawn="true"]').length === 2, undefined, { timeout: 60_000 });
      await page.getByRole('heading', { name: 'Denoised', exact: true }).waitFor();
      const nrDuration = await page.locator('audio[data-stem="Denoised"]').evaluate(async (a: HTMLAudioElement) => {
        if (!Number.isFinite(a.duration) || a.readyState < 1) await new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true }));
        return a.duration;
      });
      assert.ok(Math.abs(nrDuration - 2) < 0.3, `denoised duration ${nrDuration} s, expected about 2 s`);
      await shot(page, '10-noise-reduction');

      await page.goto(`${base}/job/${badId}`);
      await page.locator('#job-state').getByText('Failed').waitFor({ timeout: JOB_TIMEOUT_MS });
      const failure = await page.locator('#job-failure').innerText();
      assert.match(failure, /The job failed: [A-Za-z.]+ \S/);
      await shot(page, '11-failed-job');

      // Filters: by state, by tag.
      await page.goto(`${base}/jobs`);
      const filters = page.getByRole('form', { name: 'Filter jobs' });
      await filters.getByLabel('State').selectOption('Failed');
      await filters.getByRole('button', { name: 'Apply' }).click();
      await page.waitForFunction((id) => { const rows = document.querySelectorAll('#jobs-table tbody tr[data-job]'); return rows.length === 1 && rows[0]!.getAttribute('data-job') === id; }, badId);
      await filters.getByLabel('State').selectOption('');
      await filters.getByLabel('Tag').selectOption('NoiseReduction');
      await filters.getByRole('button', { name: 'Apply' }).click();
      await page.waitForFunction((id) => { const rows = document.querySelectorAll('#jobs-table tbody tr[data-job]'); return rows.length === 1 && rows[0]!.getAttribute('data-job') === id; }, nrId);
      // Paging: the four VoiceSeparate jobs, three per page, newest first.
      const jobRows = () => page.locator('#jobs-table tbody tr[data-job]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));
      await filters.getByLabel('Tag').selectOption('VoiceSeparate');
      await filters.getByLabel('Per page').selectOption('3');
      await filters.getByRole('button', { name: 'Apply' }).click();
      await page.waitForFunction(() => document.querySelectorAll('#jobs-table tbody tr[data-job]').length === 3);
      const page1 = await jobRows();
      assert.equal(page1[0], badId);
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('Page 2').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#jobs-table tbody tr[data-job]').length === 1);
      const page2 = await jobRows();
      assert.equal(new Set([...page1, ...page2]).size, 4);
      assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
      await page.getByRole('button', { name: 'Previous page' }).click();
      await page.getByText('Page 1').waitFor();
      assert.deepEqual(await jobRows(), page1);

      // Edit, then delete, the template; delete an object.
      await page.getByRole('link', { name: 'Templates' }).click();
      const trow = page.getByRole('row').filter({ hasText: 'console_vs' });
      await trow.getByRole('button', { name: 'Edit' }).click();
      const tform = page.getByRole('form', { name: 'Edit template console_vs' });
      assert.equal(await tform.getByLabel('AudioConfig › Samplerate').inputValue(), '44100');
      await tform.getByLabel('AudioConfig › Samplerate').fill('48000');
      await tform.getByRole('button', { name: 'Save template' }).click();
      await trow.getByText('Samplerate=48000').waitFor();
      await trow.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No templates.').waitFor();
      // Official templates are listed read-only.
      const tfilters = page.getByRole('form', { name: 'Filter templates' });
      await tfilters.getByLabel('Category').selectOption('Official');
      await tfilters.getByLabel('Tag').selectOption('NoiseReduction');
      await tfilters.getByRole('button', { name: 'Show' }).click();
      const orow = page.getByRole('row').filter({ hasText: 'NoiseReduction_wav_16000' });
      await orow.waitFor();
      assert.equal(await orow.getByRole('button').count(), 0);
      await page.getByRole('link', { name: 'Objects' }).click();
      await page.getByRole('row').filter({ hasText: 'input/bad.mp3' }).getByRole('button', { name: 'Delete' }).click();
      await page.getByText('Deleted input/bad.mp3.').waitFor();
      assert.equal(await page.getByRole('row').filter({ hasText: 'input/bad.mp3' }).count(), 0);
    });

    test('keyboard only: sign in with Tab and Enter', async () => {
      const p = await browser.newPage();
      try {
        await p.goto(`${server.url}/console/`);
        await p.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.name === 'secretId');
        await p.keyboard.type(ROOT_ID);
        await p.keyboard.press('Tab');
        await p.keyboard.type(ROOT_KEY);
        await p.keyboard.press('Tab');
        assert.equal(await p.evaluate(() => (document.activeElement as HTMLInputElement).name), 'region');
        await p.keyboard.press('Tab');
        assert.equal(await p.evaluate(() => document.activeElement?.textContent), 'Sign in');
        await p.keyboard.press('Enter');
        await p.getByRole('heading', { name: 'Buckets' }).waitFor();
        // Focus moved to the page heading, and Tab reaches the bucket link.
        assert.equal(await p.evaluate(() => document.activeElement?.id), 'buckets-title');
        // The heading renders before the bucket list has loaded: wait for the list (focus stays put).
        await p.getByRole('link', { name: Bucket }).first().waitFor();
        const seen: string[] = [];
        for (let i = 0; i < 6 && !seen.includes(Bucket); i++) {
          await p.keyboard.press('Tab');
          seen.push(await p.evaluate(() => document.activeElement?.textContent ?? ''));
        }
        assert.ok(seen.includes(Bucket), `Tab order: ${seen.join(' | ')}`);
      } finally {
        await p.close();
      }
    });

    test('a browser clock three hours slow still signs in (offset learnt from the server Date)', async () => {
      const p = await browser.newPage();
      try {
        await p.clock.setFixedTime(new Date(Date.now() - 3 * 3600_000));
        await signIn(p, server.url, ROOT_ID, ROOT_KEY);
        await p.getByRole('heading', { name: 'Buckets' }).waitFor();
        // The APPID comes from the signed GET Service answer, and the bucket list loads without an error.
        await p.getByText(`APPID ${APPID}`).waitFor();
        await p.getByRole('table').waitFor();
        await p.waitForFunction(() => document.querySelector('table.list tbody tr') !== null);
        assert.equal(await p.locator('#status.error').count(), 0);
      } finally {
        await p.close();
      }
    });

    test('on a plain-http origin that is not loopback (no WebCrypto) the built-in SHA-1 signs', async () => {
      // The browser resolves console.test to the loopback server, but the origin is not a secure context.
      const lan = await launch(browserName, { loopbackAlias: 'console.test' });
      try {
        const p = await lan.newPage();
        const origin = `http://console.test:${server.port}`;
        await signIn(p, origin, ROOT_ID, ROOT_KEY);
        assert.deepEqual(await p.evaluate(() => [isSecureContext, typeof crypto.subtle]), [false, 'undefined']);
        await p.getByText(`APPID ${APPID}`).waitFor();
        await p.getByRole('row').filter({ hasText: Bucket }).waitFor();
      } finally {
        await lan.close();
      }
    });

    test('a bad key shows a clear error and does not sign in', async () => {
      const p = await browser.newPage();
      try {
        await signIn(p, server.url, ROOT_ID, 'not-the-right-key');
        const status = p.locator('#signin-status');
        await status.getByText('The key was not accepted').waitFor();
        assert.match(await status.innerText(), /SignatureDoesNotMatch|AccessDenied/);
        await signIn(p, server.url, 'AKIDdoesNotExist000000000000000000', 'whatever');
        await status.getByText(/InvalidAccessKeyId|SecretidNotExist/).waitFor();
        assert.equal(await p.getByRole('heading', { name: 'Sign in' }).count(), 1);
        await shot(p, '07-bad-key');
      } finally {
        await p.close();
      }
    });

    test('a sub-account key sees the permission error for a denied action', async () => {
      const policy = join(work, 'policy.json');
      writeFileSync(policy, JSON.stringify({
        version: '2.0',
        statement: [
          { effect: 'allow', action: ['cos:GetService'], resource: ['*'] },
          { effect: 'allow', action: ['cos:GetBucket', 'cos:GetObject'], resource: [`qcs::cos::uid/${APPID}:${Bucket}/*`] },
          { effect: 'allow', action: ['ci:DescribeMediaTemplates', 'ci:DescribeAsrQueues'], resource: [`qcs::ci::uid/${APPID}:bucket/${Bucket}/*`] },
        ],
      }));
      const sub = await createSubKey(server.dataDir, policy, 'console-viewer');
      const p = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      try {
        await signIn(p, server.url, sub.id, sub.key);
        await p.getByRole('heading', { name: 'Buckets' }).waitFor();
        await p.goto(`${server.url}/console/#/b/${Bucket}/${REGION}/templates`);
        await p.getByRole('heading', { name: `${Bucket} — Templates` }).waitFor();
        const tform = p.getByRole('form', { name: 'Create a template' });
        await tform.getByLabel('Tag').selectOption('NoiseReduction');
        await tform.getByLabel('Name', { exact: true }).fill('denied_nr');
        await tform.getByRole('button', { name: 'Create template' }).click();
        const status = p.locator('#template-form-status');
        await status.getByText('Permission denied').waitFor();
        assert.match(await status.innerText(), /AccessDenied[\s\S]*ci:CreateMediaTemplate/);
        await shot(p, '08-permission-denied');
      } finally {
        await p.close();
      }
    });
  });
}
