import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOps } from '../../../src/ops/http-ops.ts';
import { Readiness } from '../../../src/ops/readiness.ts';
import { parseRequestTarget } from '../../../src/http/request-target.ts';

/** Which API-port requests are health checks (issue #8 §4): never one that addresses a bucket. */
const addressing = { domainSuffixes: ['myqcloud.com', 'tencentcos.cn'], defaultBucket: undefined, defaultRegion: 'ap-guangzhou' };
const ops = httpOps({ metrics: undefined, readiness: new Readiness([]), addressing });
const withDefault = httpOps({ metrics: undefined, readiness: new Readiness([]), addressing: { ...addressing, defaultBucket: 'demo-1250000000' } });

const CASES: Array<[n: number, o: typeof ops, method: string, host: string, target: string, expected: string | undefined]> = [
  [1, ops, 'GET', '127.0.0.1:8080', '/healthz', 'Healthz'],
  [2, ops, 'GET', '127.0.0.1:8080', '/readyz', 'Readyz'],
  [3, ops, 'HEAD', 'localhost', '/readyz?verbose', 'Readyz'],
  [4, ops, 'GET', 'smart-audio.internal.example', '/healthz', 'Healthz'],
  [5, ops, 'GET', '[::1]:8080', '/healthz', 'Healthz'],
  [6, ops, 'GET', 'demo-1250000000.cos.ap-guangzhou.myqcloud.com', '/healthz', undefined],
  [7, ops, 'GET', 'demo-1250000000.ci.ap-guangzhou.myqcloud.com', '/readyz', undefined],
  [8, ops, 'GET', 'cos.ap-guangzhou.myqcloud.com', '/healthz', undefined],
  [9, ops, 'GET', 'demo-1250000000.cos.ap-guangzhou.tencentcos.cn', '/healthz', undefined],
  [10, ops, 'GET', '127.0.0.1:8080', '/demo-1250000000/healthz', undefined],
  [11, ops, 'GET', '127.0.0.1:8080', '/healthz/', undefined],
  [12, ops, 'PUT', '127.0.0.1:8080', '/healthz', undefined],
  [13, ops, 'POST', '127.0.0.1:8080', '/readyz', undefined],
  [14, withDefault, 'GET', '127.0.0.1:8080', '/healthz', undefined],
  [15, ops, 'GET', '127.0.0.1:8080', '/%68ealthz', 'Healthz'],
  // Absolute-form targets: the authority is the host (RFC 9112 §3.2.2), whatever the Host header says.
  [16, ops, 'GET', 'demo-1250000000.cos.ap-guangzhou.myqcloud.com', 'http://127.0.0.1/healthz', 'Healthz'],
  [17, ops, 'GET', '127.0.0.1:8080', 'http://demo-1250000000.cos.ap-guangzhou.myqcloud.com/healthz', undefined],
];

for (const [n, o, method, host, raw, expected] of CASES) {
  test(`${n}. ${method} ${host} ${raw} → ${expected ?? 'a COS/CI request'}`, () => {
    const target = parseRequestTarget(raw);
    // As app.ts does: an absolute-form authority is the host.
    assert.equal(o.healthEndpoint(method, target.absoluteHost ?? host, target), expected);
  });
}
