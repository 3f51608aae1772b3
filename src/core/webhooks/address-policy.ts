import ipaddr from 'ipaddr.js';

/** Which addresses a webhook may connect to. */
export interface AddressPolicy {
  /** The sandbox: loopback addresses are reachable (and plain http:// to them). */
  sandbox: boolean;
  /** CIDR blocks reachable although not public (an operator's internal receivers). */
  allowedNetworks: string[];
}

const parse = (address: string): ipaddr.IPv4 | ipaddr.IPv6 | null => {
  try {
    const a = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
    return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return null;
  }
};

const inNetwork = (a: ipaddr.IPv4 | ipaddr.IPv6, cidr: string): boolean => {
  try {
    const [net, bits] = ipaddr.parseCIDR(cidr);
    return net.kind() === a.kind() && a.match([net, bits] as never);
  } catch {
    return false;
  }
};

/**
 * SSRF: only public unicast addresses, unless the operator allowed the network or (sandbox) it is
 * loopback. Private, link-local (cloud metadata), unique-local, CGNAT, multicast and reserved ranges
 * are refused, whatever name led to them.
 */
export const mayConnect = (address: string, policy: AddressPolicy): boolean => {
  const a = parse(address);
  if (!a) return false;
  if (policy.allowedNetworks.some((cidr) => inNetwork(a, cidr))) return true;
  const range = a.range();
  if (range === 'loopback') return policy.sandbox;
  return range === 'unicast';
};

/** A URL's hostname that is an address, not a name (the URL parser has already normalised `0x7f.1` and the like). */
export const isIpLiteral = (hostname: string): boolean => hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
