import { describe, expect, it } from 'vitest';
import { mayConnect } from './address-policy.js';
import { checkWebhookUrl } from './service.js';

const production = { sandbox: false, allowedNetworks: [] };

describe('webhook address policy', () => {
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(mayConnect(address, production)).toBe(false);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])('allows the public address %s', (address) => {
    expect(mayConnect(address, production)).toBe(true);
  });

  it('allows loopback in the sandbox, and networks the operator names', () => {
    expect(mayConnect('127.0.0.1', { sandbox: true, allowedNetworks: [] })).toBe(true);
    expect(mayConnect('10.1.2.3', { sandbox: true, allowedNetworks: [] })).toBe(false);
    expect(mayConnect('10.1.2.3', { sandbox: false, allowedNetworks: ['10.1.2.0/24'] })).toBe(true);
    expect(mayConnect('10.1.3.3', { sandbox: false, allowedNetworks: ['10.1.2.0/24'] })).toBe(false);
    expect(mayConnect('fd00::5', { sandbox: false, allowedNetworks: ['fd00::/64', '10.0.0.0/8'] })).toBe(true);
  });

  it('checks URLs: https, no credentials, and addresses written in any form the URL parser accepts', () => {
    expect(checkWebhookUrl('https://hooks.example/in#frag', production)).toBe('https://hooks.example/in');
    for (const url of ['https://0x7f.1/', 'https://2130706433/', 'https://[::1]/', 'https://10.0.0.1:8443/x'])
      expect(() => checkWebhookUrl(url, production)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('http://127.0.0.1:5000/', production)).toThrow('must be https://');
    expect(checkWebhookUrl('http://127.0.0.1:5000/', { sandbox: true, allowedNetworks: [] })).toBe('http://127.0.0.1:5000/');
    expect(() => checkWebhookUrl('http://localhost:5000/', { sandbox: true, allowedNetworks: [] })).toThrow(
      'http://127.0.0.1 in the sandbox',
    );
  });
});
