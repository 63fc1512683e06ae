import { readFileSync } from 'node:fs';
import type { Config } from '../config/load.ts';
import { parsePolicy, PolicyError } from '../iam/policy.ts';
import { ensureRootCredential, openStore, randomSecretId, randomSecretKey } from '../main.ts';
import { findActiveRoot, insertCredential, listCredentials, revokeCredential } from '../store/credentials.ts';

/** `smart-audio keys …`: admin commands on the data directory's credentials (issue #2 §4). */
export async function runKeys(config: Config, args: string[], opts: { policy?: string; name?: string; root: boolean }): Promise<number> {
  const store = await openStore(config);
  const out = (s: string) => process.stdout.write(s + '\n');
  const fail = (s: string) => {
    process.stderr.write(`smart-audio keys: ${s}\n`);
    return 2;
  };
  try {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'list': {
        for (const c of await listCredentials(store)) {
          out([c.secretId, c.appid, c.kind, c.revokedAt ? 'revoked' : 'active', c.name].join('\t'));
        }
        return 0;
      }
      case 'create': {
        if (opts.root) {
          if (!config.appid) return fail('--root needs --appid');
          const secretId = randomSecretId();
          const secretKey = randomSecretKey();
          await insertCredential(store, { secretId, secretKey, appid: config.appid, kind: 'root', name: opts.name ?? 'root', policy: null, createdAt: Date.now() });
          out(`SecretId=${secretId}\nSecretKey=${secretKey}\nAppId=${config.appid}`);
          return 0;
        }
        if (!opts.policy) return fail('create needs --policy <file.json> (or --root --appid A)');
        let policyText: string;
        try {
          policyText = readFileSync(opts.policy, 'utf8');
          parsePolicy(policyText);
        } catch (err) {
          return fail(err instanceof PolicyError ? `policy ${opts.policy}: ${err.message}` : `cannot read ${opts.policy}: ${(err as Error).message}`);
        }
        const appid = config.appid ?? (await findActiveRoot(store))?.appid ?? (await ensureRootCredential(store, config, out));
        const secretId = randomSecretId();
        const secretKey = randomSecretKey();
        await insertCredential(store, { secretId, secretKey, appid, kind: 'sub', name: opts.name ?? '', policy: policyText, createdAt: Date.now() });
        out(`SecretId=${secretId}\nSecretKey=${secretKey}\nAppId=${appid}`);
        return 0;
      }
      case 'revoke': {
        const id = rest[0];
        if (!id) return fail('revoke needs a SecretId');
        if (!(await revokeCredential(store, id))) return fail(`no active key ${id}`);
        out(`revoked ${id}`);
        return 0;
      }
      default:
        return fail(`unknown keys command "${sub ?? ''}" (list, create, revoke)`);
    }
  } finally {
    await store.close();
  }
}
