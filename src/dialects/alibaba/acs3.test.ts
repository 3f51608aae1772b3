import { describe, expect, it } from 'vitest';
import { acs3StringToSign, canonicalRequest, parseAcs3Authorization, sha256Hex, signAcs3 } from './acs3.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('Alibaba signature V3 (ACS3-HMAC-SHA256)', () => {
  it('matches the fixed example of Alibaba Cloud\'s "V3 request structure and signature" documentation', () => {
    const request = {
      method: 'POST',
      path: '/',
      query: [
        ['RegionId', 'cn-shanghai'],
        ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
      ] as [string, string][],
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-content-sha256': EMPTY_SHA256,
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-version': '2014-05-26',
      },
      signedHeaders: ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'],
      payloadHash: sha256Hex(''),
    };
    expect(canonicalRequest(request)).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        EMPTY_SHA256,
      ].join('\n'),
    );
    const stringToSign = acs3StringToSign(request);
    expect(stringToSign).toBe('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signAcs3(stringToSign, 'YourAccessKeySecret')).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });

  it('matches what the SDK (@alicloud/openapi-util 0.3.3 getAuthorization) signs: empty values, repeated headers joined sorted', () => {
    const stringToSign = acs3StringToSign({
      method: 'GET',
      path: '',
      query: [
        ['test', 'ok'],
        ['empty', ''],
      ],
      headers: { 'x-acs-test': ['https', 'http'] },
      signedHeaders: ['x-acs-test'],
      payloadHash: '55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23',
    });
    expect(signAcs3(stringToSign, 'secret')).toBe('910e59dd385879346de704a06c96613f8157aa7124e6d1c4f2bdffa1e5588187');
  });

  it('reads the Authorization header, and refuses other shapes', () => {
    expect(
      parseAcs3Authorization(
        'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action,Signature=06563A9E1B43F5DFE96B81484DA74BCEAB24A1D853912EEE15083A6F0F3283C0',
      ),
    ).toEqual({
      algorithm: 'ACS3-HMAC-SHA256',
      accessKeyId: 'YourAccessKeyId',
      signedHeaders: ['host', 'x-acs-action'],
      signature: '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    });
    expect(parseAcs3Authorization('ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=00')?.algorithm).toBe('ACS3-HMAC-SM3');
    for (const bad of [
      'Bearer abc',
      'ACS3-HMAC-SHA256 Credential=a,Signature=00',
      'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=Host,Signature=00',
      'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=zz',
    ]) {
      expect(parseAcs3Authorization(bad)).toBeNull();
    }
  });
});
