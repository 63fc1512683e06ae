import { findCredential } from '../../store/credentials.ts';
import type { MetadataStore } from '../../store/store.ts';
import { actionMatches, isAllowed, parsePolicy, type Policy } from '../../iam/policy.ts';
import { appidOfBucket } from '../../iam/resources.ts';
import { ApiError } from '../errors/api-error.ts';

/** Who signed a request (spec/signature.md §5.3). */
export interface Principal {
  secretId: string;
  appid: string;
  kind: 'root' | 'sub';
  /** Sub-accounts only. */
  policy: Policy | undefined;
}

interface CacheEntry {
  principal: Principal | undefined;
  secretKey: string;
  expires: number;
}

/**
 * Looks up credentials with a short cache, so that the hot path (signed HEAD
 * Object) does not query the store on every request while a revoked key still
 * stops working within `ttlMs`.
 */
export class PrincipalResolver {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly store: MetadataStore, private readonly ttlMs: number) {}

  /** Returns the principal and its secret key; throws SecretidNotExist for unknown or revoked keys. */
  async resolve(secretId: string, now = Date.now()): Promise<{ principal: Principal; secretKey: string }> {
    let entry = this.cache.get(secretId);
    if (!entry || entry.expires <= now) {
      const rec = secretId.length <= 128 ? await findCredential(this.store, secretId) : undefined;
      entry = { principal: undefined, secretKey: '', expires: now + this.ttlMs };
      if (rec && rec.revokedAt === null) {
        let policy: Policy | undefined;
        if (rec.kind === 'sub') {
          // A stored policy was validated when the key was created; a broken one denies everything.
          try {
            policy = parsePolicy(rec.policy ?? '');
          } catch {
            policy = { statements: [] };
          }
        }
        entry = { principal: { secretId: rec.secretId, appid: rec.appid, kind: rec.kind, policy }, secretKey: rec.secretKey, expires: now + this.ttlMs };
      }
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(secretId, entry);
    }
    if (!entry.principal) throw new ApiError('SecretidNotExist', `The SecretId "${secretId.slice(0, 64)}" does not exist or was revoked.`);
    return { principal: entry.principal, secretKey: entry.secretKey };
  }

  forget(secretId: string): void {
    this.cache.delete(secretId);
  }
}

/**
 * The account boundary: every principal acts only inside its own APPID, and a
 * bucket belongs to the APPID its name ends with. Refused before anything
 * about the bucket (even whether it exists) is revealed.
 */
export function checkBucketAccount(principal: Principal, bucket: string): void {
  if (appidOfBucket(bucket) !== principal.appid) {
    throw new ApiError('AccessDenied', `Bucket ${bucket} does not belong to APPID ${principal.appid}.`);
  }
}

/** CAM check (issue #2 §4): root may do everything in its APPID; sub-accounts what their policy allows. */
export function authorize(principal: Principal, action: string, resources: string[]): void {
  if (principal.kind === 'root') return;
  if (!principal.policy || !isAllowed(principal.policy, action, resources)) {
    throw new ApiError('AccessDenied', `The key ${principal.secretId} is not allowed ${action} on ${resources.join(', ')}.`);
  }
}

/** Keeps the items whose resources the principal may act on (list APIs authorised per item). */
export function authorizeEach<T>(principal: Principal, action: string, items: T[], resources: (item: T) => string[]): T[] {
  if (principal.kind === 'root') return items;
  return items.filter((item) => principal.policy !== undefined && isAllowed(principal.policy, action, resources(item)));
}

/** For API-level actions: root, or a policy with an allow statement naming the action at all. */
export function isRootOrAllowedSomewhere(principal: Principal, action: string): boolean {
  if (principal.kind === 'root') return true;
  return (principal.policy?.statements ?? []).some((st) => st.effect === 'allow' && st.actions.some((a) => actionMatches(a, action)));
}
