import assert from 'node:assert/strict';
import { call, ciCall, type cosClient } from './server.ts';

/** Job helpers shared by the wire suites (jobs, noise reduction, tts): submit, poll to an end state, download. */
type Cos = ReturnType<typeof cosClient>;

export function submitJob(cos: Cos, bucket: string, request: Record<string, unknown>) {
  return ciCall(cos, { Method: 'POST', Bucket: bucket, Path: 'jobs', Body: { Request: request } });
}

/** Polls `GET /jobs/<id>` until Success, Failed or Cancel; fails the test after `timeoutMs`. */
export async function waitJobEnd(cos: Cos, bucket: string, jobId: string, timeoutMs: number, pollMs = 200): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await ciCall(cos, { Method: 'GET', Bucket: bucket, Path: `jobs/${jobId}` });
    assert.equal(r.err, null, JSON.stringify(r.err?.error));
    const d = r.data.Response.JobsDetail;
    if (['Success', 'Failed', 'Cancel'].includes(d.State)) return d;
    if (Date.now() > end) assert.fail(`job ${jobId} still ${d.State}`);
    await new Promise((res) => setTimeout(res, pollMs));
  }
}

export async function downloadObject(cos: Cos, bucket: string, region: string, key: string): Promise<Buffer> {
  const { err, data } = await call(cos, 'getObject', { Bucket: bucket, Region: region, Key: key });
  assert.equal(err, null, `download ${key}`);
  return data.Body as Buffer;
}
