import { ValidationError } from '../../domain/errors.ts';
import { ApiFailure } from './api.ts';

/** A tiny element builder: `h('button', { type: 'button', onclick }, 'Save')`. */
type Attrs = Record<string, string | number | boolean | undefined | ((e: any) => void)>;
export type Child = Node | string | number | undefined | false | Child[];

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let idSeq = 0;
export const uid = (prefix: string) => `${prefix}-${++idSeq}`;

/** A labelled form control (label `for` → control id). */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= uid('f');
  const hintEl = hint ? h('small', { id: control.id + '-hint', class: 'hint' }, hint) : undefined;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function select(name: string, options: readonly string[], value = '', blank?: string): HTMLSelectElement {
  const s = h('select', { name });
  if (blank !== undefined) s.append(h('option', { value: '' }, blank));
  for (const o of options) s.append(h('option', { value: o }, o));
  s.value = value;
  return s;
}

export const input = (name: string, value = '', attrs: Attrs = {}) => h('input', { name, value, autocomplete: 'off', ...attrs });

/**
 * Shows the outcome of an action in the page's live region. Permission
 * errors (a sub-account key whose policy does not allow the action) and bad
 * keys are spelled out; every other refusal shows the server's Code and Message.
 */
export function showError(err: unknown, where?: HTMLElement): void {
  const box = where ?? document.getElementById('status')!;
  box.replaceChildren();
  box.className = 'status error';
  if (err instanceof ApiFailure) {
    const title = err.isPermission ? 'Permission denied' : err.isBadKey ? 'The key was not accepted' : 'Request refused';
    const help = err.isPermission
      ? "This key's policy does not allow this action. An administrator can grant it with `smart-audio keys create --policy …`."
      : err.isBadKey
        ? 'Check the SecretId and SecretKey (a revoked or mistyped key is refused).'
        : undefined;
    append(box, [h('strong', {}, `${title}: `), h('code', { class: 'code' }, err.code), ' ', err.detail, help ? h('p', {}, help) : undefined,
      err.requestId ? h('small', {}, `Request id ${err.requestId}`) : undefined]);
  } else {
    box.append(h('strong', {}, 'Error: '), (err as Error)?.message ?? String(err));
  }
}

/**
 * A form checked with the server's own rules (src/domain) before sending:
 * a rule violation is shown as the API would answer it (`InvalidArgument`,
 * same message) and the request is not sent. Anything else thrown is not a
 * verdict on the input, so the request goes ahead and the server decides.
 */
export function refusedBeforeSending(err: unknown, box: HTMLElement): boolean {
  if (!(err instanceof ValidationError)) return false;
  box.className = 'status error';
  box.replaceChildren(h('strong', {}, 'Not sent — the API would refuse it: '), `InvalidArgument: ${err.message}`);
  return true;
}

export function showOk(message: string, where?: HTMLElement): void {
  const box = where ?? document.getElementById('status')!;
  box.className = 'status ok';
  box.replaceChildren(message);
}

export function clearStatus(): void {
  const box = document.getElementById('status');
  if (box) { box.className = 'status'; box.replaceChildren(); }
}

/** Runs an action from a button: disables it meanwhile, reports failures. */
export async function act(button: HTMLButtonElement | undefined, fn: () => Promise<void>): Promise<void> {
  if (button) button.disabled = true;
  try {
    await fn();
  } catch (err) {
    showError(err);
  } finally {
    if (button) button.disabled = false;
  }
}

export const fmtBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
