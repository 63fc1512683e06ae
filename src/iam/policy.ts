/**
 * CAM-style access policies for sub-account credentials (issue #2 §4).
 *
 * Shape (the CAM policy syntax): `{"version":"2.0","statement":[{"effect":
 * "allow"|"deny","action":[…],"resource":[…]}]}`. Actions look like
 * `ci:CreateMediaTemplate`, `cos:GetObject`, `ci:*`, `*`; resources like
 * `qcs::ci:ap-chongqing:uid/1250000000:bucket/examplebucket-1250000000/*` or
 * `qcs::cos:ap-chongqing:uid/1250000000:examplebucket-1250000000/*`.
 *
 * Evaluation as CAM does it: an explicit deny wins, otherwise an allow is
 * needed, otherwise denied. `*` in an action or resource matches any run of
 * characters (including `/` and `:`); actions compare case-insensitively.
 * An empty region segment in a resource (`qcs::cos::uid/…`) matches every region.
 * Conditions are not supported: a policy that has one is refused when the key
 * is created rather than silently granting more than it says.
 */
export interface PolicyStatement {
  effect: 'allow' | 'deny';
  actions: string[];
  resources: string[];
}

export interface Policy {
  statements: PolicyStatement[];
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

const asList = (v: unknown, field: string): string[] => {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === 'string' && x.trim() !== '')) {
    throw new PolicyError(`${field} must be a non-empty string or array of non-empty strings`);
  }
  return (list as string[]).map((x) => x.trim());
};

/** Parses and validates policy JSON text; throws PolicyError naming the problem. */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`policy is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new PolicyError('policy must be a JSON object');
  const lower = new Map(Object.entries(doc).map(([k, v]) => [k.toLowerCase(), v]));
  const version = lower.get('version');
  if (version !== undefined && version !== '2.0') throw new PolicyError(`version must be "2.0", got ${JSON.stringify(version)}`);
  const raw = lower.get('statement');
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw new PolicyError('policy needs at least one statement');
  const statements = list.map((st, i): PolicyStatement => {
    if (typeof st !== 'object' || st === null || Array.isArray(st)) throw new PolicyError(`statement[${i}] must be an object`);
    const f = new Map(Object.entries(st).map(([k, v]) => [k.toLowerCase(), v]));
    for (const k of f.keys()) {
      if (k === 'condition') throw new PolicyError(`statement[${i}].condition: conditions are not supported by this server`);
      if (!['effect', 'action', 'resource', 'sid', 'principal'].includes(k)) throw new PolicyError(`statement[${i}]: unknown field "${k}"`);
    }
    const effect = String(f.get('effect') ?? '').toLowerCase();
    if (effect !== 'allow' && effect !== 'deny') throw new PolicyError(`statement[${i}].effect must be "allow" or "deny", got ${JSON.stringify(f.get('effect'))}`);
    return {
      effect,
      actions: asList(f.get('action'), `statement[${i}].action`),
      resources: asList(f.get('resource'), `statement[${i}].resource`),
    };
  });
  return { statements };
}

const globCache = new Map<string, RegExp>();
function glob(pattern: string, flags: string): RegExp {
  const cacheKey = flags + '\u0000' + pattern;
  let re = globCache.get(cacheKey);
  if (!re) {
    re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', flags);
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(cacheKey, re);
  }
  return re;
}

export function actionMatches(pattern: string, action: string): boolean {
  return glob(pattern, 'i').test(action);
}

export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  // qcs:<project>:<service>:<region>:<account>:<resource…>; an empty region means any region.
  const p = pattern.split(':');
  const r = resource.split(':');
  if (p.length >= 6 && r.length >= 6 && p[3] === '') {
    p[3] = r[3]!;
    return glob(p.join(':'), '').test(resource);
  }
  return glob(pattern, '').test(resource);
}

/** True when the policy allows `action` on every one of `resources`. */
export function isAllowed(policy: Policy, action: string, resources: string[]): boolean {
  // Fail closed: a check over no resource at all grants nothing.
  if (resources.length === 0) return false;
  return resources.every((resource) => {
    let allowed = false;
    for (const st of policy.statements) {
      if (!st.actions.some((a) => actionMatches(a, action))) continue;
      if (!st.resources.some((p) => resourceMatches(p, resource))) continue;
      if (st.effect === 'deny') return false;
      allowed = true;
    }
    return allowed;
  });
}
