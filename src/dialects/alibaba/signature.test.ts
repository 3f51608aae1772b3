import { describe, expect, it } from 'vitest';
import { percentEncode, signRpc } from './signature.js';

describe('Alibaba signature v1', () => {
  it('matches the documented test vector', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(signRpc('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(signRpc('GET', { ...params, Signature: 'ignored' }, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(signRpc('POST', params, 'testsecret')).not.toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('encodes space as %20, keeps ~ and encodes * and UTF-8', () => {
    expect(percentEncode("a b~*!'()é")).toBe('a%20b~%2A%21%27%28%29%C3%A9');
  });
});
