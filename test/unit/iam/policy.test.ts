import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actionMatches, isAllowed, parsePolicy, PolicyError, resourceMatches, type Policy } from '../../../src/iam/policy.ts';
import { appidOfBucket, ciResource, cosResource } from '../../../src/iam/resources.ts';

/** CAM policies for sub-account keys (issue #2 §4): parsing and evaluation. */

const BUCKET = 'examplebucket-1250000000';
const CI = (path: string, region = 'ap-chongqing', appid = '1250000000', bucket = BUCKET) => ciResource(region, appid, bucket, path);
const COSR = (key: string, region = 'ap-chongqing', appid = '1250000000', bucket = BUCKET) => cosResource(region, appid, bucket, key);

const policy = (statement: unknown): Policy => parsePolicy(JSON.stringify({ version: '2.0', statement }));

describe('parsePolicy: accepted shapes', () => {
  test('#1 canonical CAM shape with arrays', () => {
    const p = parsePolicy(JSON.stringify({
      version: '2.0',
      statement: [{ effect: 'allow', action: ['ci:CreateMediaJobs', 'ci:DescribeMediaJob'], resource: ['qcs::ci:ap-chongqing:uid/1250000000:bucket/examplebucket-1250000000/*'] }],
    }));
    assert.deepEqual(p, {
      statements: [{ effect: 'allow', actions: ['ci:CreateMediaJobs', 'ci:DescribeMediaJob'], resources: ['qcs::ci:ap-chongqing:uid/1250000000:bucket/examplebucket-1250000000/*'] }],
    });
  });

  test('#2 capitalised keys (Version/Statement/Effect/Action/Resource), effect case folded', () => {
    const p = parsePolicy('{"Version":"2.0","Statement":[{"Sid":"s1","Effect":"Deny","Action":"cos:GetObject","Resource":"*"}]}');
    assert.deepEqual(p.statements, [{ effect: 'deny', actions: ['cos:GetObject'], resources: ['*'] }]);
  });

  test('#3 string action/resource become one-element lists; values trimmed', () => {
    const p = policy({ effect: 'allow', action: ' ci:* ', resource: ' * ' });
    assert.deepEqual(p.statements[0], { effect: 'allow', actions: ['ci:*'], resources: ['*'] });
  });

  test('#4 a single statement object (not an array); version omitted; principal tolerated', () => {
    const p = parsePolicy('{"STATEMENT":{"EFFECT":"ALLOW","ACTION":["*"],"RESOURCE":["*"],"Principal":{"qcs":["qcs::cam::uin/1:uin/2"]}}}');
    assert.equal(p.statements.length, 1);
    assert.equal(p.statements[0]!.effect, 'allow');
  });

  test('#5 several statements keep their order', () => {
    const p = policy([
      { effect: 'allow', action: 'ci:*', resource: '*' },
      { effect: 'deny', action: 'ci:DeleteMediaTemplate', resource: '*' },
    ]);
    assert.deepEqual(p.statements.map((s) => s.effect), ['allow', 'deny']);
  });
});

describe('parsePolicy: refused shapes (PolicyError naming the problem)', () => {
  const bad: Array<[number, string, string, RegExp]> = [
    [6, 'not JSON', '{version: 2.0', /not valid JSON/],
    [7, 'empty text', '', /not valid JSON/],
    [8, 'JSON array', '[]', /must be a JSON object/],
    [9, 'JSON null', 'null', /must be a JSON object/],
    [10, 'JSON string', '"allow"', /must be a JSON object/],
    [11, 'wrong version', '{"version":"1.0","statement":[{"effect":"allow","action":"*","resource":"*"}]}', /version/],
    [12, 'no statement', '{"version":"2.0"}', /at least one statement/],
    [13, 'empty statement array', '{"version":"2.0","statement":[]}', /at least one statement/],
    [14, 'statement is a string', '{"statement":["allow everything"]}', /statement\[0\] must be an object/],
    [15, 'condition present', '{"statement":[{"effect":"allow","action":"*","resource":"*","condition":{"ip_equal":{"qcs:ip":"10.0.0.0/8"}}}]}', /statement\[0\]\.condition/],
    [16, 'Condition capitalised', '{"statement":[{"effect":"allow","action":"*","resource":"*","Condition":{}}]}', /condition/],
    [17, 'unknown effect', '{"statement":[{"effect":"permit","action":"*","resource":"*"}]}', /statement\[0\]\.effect.*"permit"/],
    [18, 'missing effect', '{"statement":[{"action":"*","resource":"*"}]}', /statement\[0\]\.effect/],
    [19, 'missing action', '{"statement":[{"effect":"allow","resource":"*"}]}', /statement\[0\]\.action/],
    [20, 'empty action array', '{"statement":[{"effect":"allow","action":[],"resource":"*"}]}', /statement\[0\]\.action/],
    [21, 'non-string action', '{"statement":[{"effect":"allow","action":[1],"resource":"*"}]}', /statement\[0\]\.action/],
    [22, 'blank resource', '{"statement":[{"effect":"allow","action":"*","resource":"  "}]}', /statement\[0\]\.resource/],
    [23, 'missing resource', '{"statement":[{"effect":"allow","action":"*"}]}', /statement\[0\]\.resource/],
    [24, 'unknown field', '{"statement":[{"effect":"allow","action":"*","resource":"*","notaction":"x"}]}', /unknown field "notaction"/],
    [25, 'problem in the second statement is located', '{"statement":[{"effect":"allow","action":"*","resource":"*"},{"effect":"allow","action":"*"}]}', /statement\[1\]\.resource/],
  ];
  for (const [n, name, text, re] of bad) {
    test(`#${n} ${name}`, () => {
      assert.throws(() => parsePolicy(text), (e: unknown) => e instanceof PolicyError && e.name === 'PolicyError' && re.test(e.message));
    });
  }
});

describe('isAllowed', () => {
  const jobs = CI('jobs');
  const tmpl = CI('template/t1abc');

  const cases: Array<[number, string, unknown, string, string[], boolean]> = [
    [26, 'allow: exact action, bucket wildcard', { effect: 'allow', action: 'ci:CreateMediaJobs', resource: CI('*') }, 'ci:CreateMediaJobs', [jobs], true],
    [27, 'no matching statement → denied', { effect: 'allow', action: 'ci:CreateMediaJobs', resource: CI('*') }, 'ci:DescribeMediaJobs', [jobs], false],
    [28, 'explicit deny wins over an earlier allow', [{ effect: 'allow', action: 'ci:*', resource: '*' }, { effect: 'deny', action: 'ci:DeleteMediaTemplate', resource: CI('template/*') }], 'ci:DeleteMediaTemplate', [tmpl], false],
    [29, 'explicit deny wins over a later allow', [{ effect: 'deny', action: '*', resource: CI('template/*') }, { effect: 'allow', action: 'ci:DeleteMediaTemplate', resource: tmpl }], 'ci:DeleteMediaTemplate', [tmpl], false],
    [30, 'a deny for another action does not block', [{ effect: 'allow', action: 'ci:*', resource: '*' }, { effect: 'deny', action: 'ci:DeleteMediaTemplate', resource: '*' }], 'ci:UpdateMediaTemplate', [tmpl], true],
    [31, 'a deny alone grants nothing', { effect: 'deny', action: 'cos:PutObject', resource: '*' }, 'cos:GetObject', [COSR('a.txt')], false],
    [32, 'ci:* matches any CI action', { effect: 'allow', action: 'ci:*', resource: '*' }, 'ci:DescribeAsrQueues', [CI('asrqueue')], true],
    [33, 'ci:* does not match COS actions', { effect: 'allow', action: 'ci:*', resource: '*' }, 'cos:GetObject', [COSR('a.txt')], false],
    [34, 'cos:Get* matches cos:GetObject', { effect: 'allow', action: 'cos:Get*', resource: '*' }, 'cos:GetObject', [COSR('a.txt')], true],
    [35, 'cos:Get* does not match cos:PutObject', { effect: 'allow', action: 'cos:Get*', resource: '*' }, 'cos:PutObject', [COSR('a.txt')], false],
    [36, '* matches everything', { effect: 'allow', action: '*', resource: '*' }, 'cos:DeleteObject', [COSR('a.txt')], true],
    [37, 'actions compare case-insensitively', { effect: 'allow', action: 'CI:createmediajobs', resource: '*' }, 'ci:CreateMediaJobs', [jobs], true],
    [38, 'wildcard action case-insensitive', { effect: 'allow', action: 'COS:get*', resource: '*' }, 'cos:GetObject', [COSR('a.txt')], true],
    [39, 'resource prefix wildcard matches nested keys (* spans /)', { effect: 'allow', action: 'cos:GetObject', resource: COSR('audio/*') }, 'cos:GetObject', [COSR('audio/2024/a b.mp3')], true],
    [40, 'resource prefix wildcard does not match a sibling prefix', { effect: 'allow', action: 'cos:GetObject', resource: COSR('audio/*') }, 'cos:GetObject', [COSR('video/a.mp4')], false],
    [41, 'resources compare case-sensitively (keys are case-sensitive)', { effect: 'allow', action: 'cos:GetObject', resource: COSR('Audio/*') }, 'cos:GetObject', [COSR('audio/a.mp3')], false],
    [42, 'wildcard in the middle', { effect: 'allow', action: 'cos:GetObject', resource: 'qcs::cos:*:uid/1250000000:examplebucket-1250000000/*.mp3' }, 'cos:GetObject', [COSR('x/y.mp3', 'ap-beijing')], true],
    [43, 'empty region matches any region', { effect: 'allow', action: 'ci:*', resource: `qcs::ci::uid/1250000000:bucket/${BUCKET}/*` }, 'ci:CreateMediaJobs', [CI('jobs', 'ap-shanghai')], true],
    [44, 'empty region: other segments still compared (other APPID)', { effect: 'allow', action: 'ci:*', resource: `qcs::ci::uid/1250000000:bucket/${BUCKET}/*` }, 'ci:CreateMediaJobs', [CI('jobs', 'ap-shanghai', '1250000001')], false],
    [45, 'explicit region only matches that region', { effect: 'allow', action: 'ci:*', resource: CI('*', 'ap-chongqing') }, 'ci:CreateMediaJobs', [CI('jobs', 'ap-shanghai')], false],
    [46, 'another bucket is not matched', { effect: 'allow', action: 'ci:*', resource: CI('*') }, 'ci:CreateMediaJobs', [CI('jobs', 'ap-chongqing', '1250000000', 'otherbucket-1250000000')], false],
    [47, 'a bucket whose name extends the allowed one is not matched', { effect: 'allow', action: 'cos:*', resource: COSR('*') }, 'cos:GetObject', [COSR('a', 'ap-chongqing', '1250000000', 'examplebucket-12500000001')], false],
    [48, 'another APPID is not matched', { effect: 'allow', action: 'cos:*', resource: COSR('*') }, 'cos:GetObject', [COSR('a', 'ap-chongqing', '1250000001')], false],
    [49, 'CI resource pattern does not match a COS resource', { effect: 'allow', action: '*', resource: CI('*') }, 'cos:GetObject', [COSR('a.txt')], false],
    [50, 'multiple resources: all covered → allowed', { effect: 'allow', action: 'cos:*', resource: [COSR('in/*'), COSR('out/*')] }, 'cos:PutObject', [COSR('in/a'), COSR('out/b')], true],
    [51, 'multiple resources: one not covered → denied', { effect: 'allow', action: 'cos:*', resource: COSR('in/*') }, 'cos:PutObject', [COSR('in/a'), COSR('out/b')], false],
    [52, 'multiple resources: one explicitly denied → denied', [{ effect: 'allow', action: 'cos:*', resource: '*' }, { effect: 'deny', action: 'cos:*', resource: COSR('secret/*') }], 'cos:GetObject', [COSR('in/a'), COSR('secret/b')], false],
    [53, 'regex metacharacters in a pattern are literal', { effect: 'allow', action: 'cos:GetObject', resource: COSR('a.(b)+.txt') }, 'cos:GetObject', [COSR('aX(b)+.txt')], false],
    [54, 'regex metacharacters match themselves', { effect: 'allow', action: 'cos:GetObject', resource: COSR('a.(b)+.txt') }, 'cos:GetObject', [COSR('a.(b)+.txt')], true],
    [55, 'action pattern ? is literal', { effect: 'allow', action: 'cos:GetObjec?', resource: '*' }, 'cos:GetObject', [COSR('a')], false],
  ];
  for (const [n, name, statement, action, resources, want] of cases) {
    test(`#${n} ${name} → ${want ? 'allow' : 'deny'}`, () => {
      assert.equal(isAllowed(policy(statement), action, resources), want);
    });
  }

  test('#56 a statement with several actions matches any one of them', () => {
    const p = policy({ effect: 'allow', action: ['ci:DescribeMediaJobs', 'ci:CreateMediaJobs'], resource: CI('jobs') });
    assert.equal(isAllowed(p, 'ci:CreateMediaJobs', [jobs]), true);
    assert.equal(isAllowed(p, 'ci:DescribeMediaJobs', [jobs]), true);
    assert.equal(isAllowed(p, 'ci:CancelMediaJob', [jobs]), false);
  });

  test('#57 actionMatches / resourceMatches directly', () => {
    assert.equal(actionMatches('ci:*Media*', 'ci:DescribeMediaJobs'), true);
    assert.equal(actionMatches('ci:*Media*', 'ci:DescribeAsrQueues'), false);
    assert.equal(resourceMatches('*', 'anything:at:all'), true);
    assert.equal(resourceMatches(`qcs::cos::uid/1250000000:${BUCKET}/a.txt`, COSR('a.txt', 'ap-hongkong')), true);
    assert.equal(resourceMatches(`qcs::cos::uid/1250000000:${BUCKET}/a.txt`, COSR('b.txt', 'ap-hongkong')), false);
  });
});

describe('resources', () => {
  test('#58 ciResource / cosResource / appidOfBucket', () => {
    assert.equal(ciResource('ap-chongqing', '1250000000', BUCKET, '/template/t1'), `qcs::ci:ap-chongqing:uid/1250000000:bucket/${BUCKET}/template/t1`);
    assert.equal(ciResource('ap-chongqing', '1250000000', BUCKET, '//jobs'), `qcs::ci:ap-chongqing:uid/1250000000:bucket/${BUCKET}/jobs`);
    assert.equal(cosResource('ap-beijing', '1250000000', BUCKET, 'dir/腾讯云.mp3'), `qcs::cos:ap-beijing:uid/1250000000:${BUCKET}/dir/腾讯云.mp3`);
    assert.equal(appidOfBucket(BUCKET), '1250000000');
    assert.equal(appidOfBucket('my-audio-1-2'), '2');
    assert.equal(appidOfBucket('noappid'), undefined);
  });
});
