import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AddressPolicy } from '../../../src/net/address-policy.ts';

/** Callback and fetch targets are untrusted input (issue #4 §5): every spelling of a refused address is refused. */
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '');

describe('address policy', () => {
  const strict = new AddressPolicy([]);
  const loopback = new AddressPolicy(['loopback']);

  test('IPv4 loopback, link-local and private ranges, in every URL spelling, are refused by default', () => {
    for (const [url, kind] of [
      ['http://127.0.0.1/', 'loopback'], ['http://2130706433/', 'loopback'], ['http://0x7f.1/', 'loopback'],
      ['http://169.254.169.254/', 'link-local'], ['http://10.1.2.3/', 'private'], ['http://192.168.0.1/', 'private'],
      ['http://100.64.0.1/', 'private'], ['http://0.0.0.0/', 'special'],
    ] as const) assert.match(strict.check(hostOf(url)) ?? 'allowed', new RegExp(`is a ${kind} address`), url);
  });

  test('IPv4-mapped IPv6 is judged as its IPv4 address (URL parsing writes it in hex)', () => {
    assert.equal(hostOf('http://[::ffff:127.0.0.1]/'), '::ffff:7f00:1');
    for (const [url, kind] of [
      ['http://[::ffff:127.0.0.1]/', 'loopback'], ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
      ['http://[::ffff:169.254.169.254]/', 'link-local'], ['http://[::ffff:10.0.0.1]/', 'private'],
    ] as const) assert.match(strict.check(hostOf(url)) ?? 'allowed', new RegExp(`is a ${kind} address`), url);
    assert.equal(strict.check('::ffff:127.0.0.1'), strict.check('127.0.0.1')?.replace('127.0.0.1', '::ffff:127.0.0.1'));
    // Allowing loopback allows both spellings; a public mapped address is allowed.
    assert.equal(loopback.check(hostOf('http://[::ffff:127.0.0.1]/')), undefined);
    assert.equal(strict.check(hostOf('http://[::ffff:8.8.8.8]/')), undefined);
  });

  test('IPv4-compatible (::a.b.c.d), 6to4 and NAT64 forms and the unspecified address are refused', () => {
    for (const url of ['http://[::127.0.0.1]/', 'http://[2002:7f00:1::]/', 'http://[64:ff9b::7f00:1]/', 'http://[::]/']) {
      assert.match(strict.check(hostOf(url)) ?? 'allowed', /is a special address/, url);
      assert.match(loopback.check(hostOf(url)) ?? 'allowed', /refused/, url);
    }
  });

  test('IPv6 loopback, link-local and unique-local; public addresses pass; CIDR allowances work', () => {
    assert.match(strict.check('::1') ?? '', /loopback/);
    assert.equal(loopback.check('::1'), undefined);
    assert.match(strict.check('fe80::1') ?? '', /link-local/);
    assert.match(strict.check('fd00::1') ?? '', /private/);
    assert.equal(strict.check('2001:db8::1'), undefined);
    assert.equal(strict.check('93.184.216.34'), undefined);
    const lan = new AddressPolicy(['10.1.0.0/16']);
    assert.equal(lan.check('10.1.2.3'), undefined);
    assert.match(lan.check('10.2.0.1') ?? '', /private/);
    assert.match(strict.check('not-an-ip') ?? '', /is not an IP address/);
    assert.throws(() => new AddressPolicy(['nonsense/8']), /not a CIDR/);
  });
});
