/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { ApiFailure, cosServiceHost, sendXml, text } from './api.ts';
import { clearStatus, field, h, input, showError } from './dom.ts';
import { clearSession, loadSession, saveSession, type Session } from './session.ts';
import { bucketsView } from './views/buckets.ts';
import { bucketView } from './views/bucket.ts';
import { jobView } from './views/job.ts';

/**
 * The web console (issue #9): a hash-routed page of plain DOM.
 *   #/                                   buckets
 *   #/b/<bucket>/<region>/<tab>          objects | queue | templates | jobs
 *   #/b/<bucket>/<region>/job/<jobId>    one job: state, failure, results player
 */
const main = () => document.getElementById('main')!;
let disposeView: (() => void) | undefined;

export interface Route {
  session: Session;
  parts: string[];
}

function header(session: Session | undefined): void {
  const who = document.getElementById('who')!;
  who.replaceChildren();
  if (!session) return;
  who.append(
    h('span', {}, `Key ${session.secretId.slice(0, 12)}… · ${session.region}${session.appid ? ` · APPID ${session.appid}` : ''}`),
    h('button', { type: 'button', onclick: () => { clearSession(); location.hash = '#/'; render(); } }, 'Sign out'),
  );
}

/** Sign in: the key is checked with GET Service; AccessDenied still signs in (the key is valid, its policy is narrow). */
function signInView(): HTMLElement {
  const id = input('secretId', '', { required: true, spellcheck: 'false' });
  const key = input('secretKey', '', { type: 'password', required: true });
  const region = input('region', 'ap-guangzhou', { required: true });
  const out = h('div', { class: 'status', 'aria-live': 'assertive', id: 'signin-status' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in'),
    h('p', {}, 'Use a SecretId/SecretKey of this server (the root key, or a sub-account key from ', h('code', {}, 'smart-audio keys create'), '). The key stays in this tab only (session storage) and signs each request in the browser.'),
    field('SecretId', id), field('SecretKey', key), field('Region', region, 'Region of the buckets you work with, e.g. ap-guangzhou'),
    submit, out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    const s: Session = { secretId: id.value.trim(), secretKey: key.value.trim(), region: region.value.trim(), appid: '' };
    try {
      try {
        const r = await sendXml({ method: 'GET', host: cosServiceHost(s.region), path: '/', session: s });
        s.appid = text(r, 'Owner', 'DisplayName');
      } catch (err) {
        if (!(err instanceof ApiFailure) || !err.isPermission) throw err;
      }
      saveSession(s);
      location.hash = '#/';
      render();
    } catch (err) {
      showError(err, out);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export function render(): void {
  disposeView?.();
  disposeView = undefined;
  clearStatus();
  const session = loadSession();
  header(session);
  const m = main();
  if (!session) {
    m.replaceChildren(signInView());
    m.querySelector<HTMLElement>('input')?.focus();
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  const route: Route = { session, parts };
  let view: { el: HTMLElement; dispose?: () => void };
  if (parts[0] === 'b' && parts[1] && parts[2]) {
    view = parts[3] === 'job' && parts[4] ? jobView(parts[1], parts[2], parts[4]) : bucketView(route, parts[1], parts[2], parts[3] ?? 'objects');
  } else {
    view = bucketsView(route);
  }
  disposeView = view.dispose;
  m.replaceChildren(view.el);
  m.querySelector<HTMLElement>('h1')?.focus();
}

window.addEventListener('hashchange', render);
render();
