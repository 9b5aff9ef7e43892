import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

/**
 * Addresses no request made on a user's behalf may reach: link-local
 * (where clouds serve instance metadata and credentials), and the metadata
 * addresses clouds use outside that range.
 */
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, AWS/GCP/Azure metadata
FORBIDDEN.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6'); // link-local
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
const FORBIDDEN_NAMES = new Set(['metadata.google.internal', 'metadata']);

function forbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The reason a URL may never be requested, judged from the URL alone. */
export function forbiddenTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `${parsed.protocol} URLs are not allowed (http or https only)`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (FORBIDDEN_NAMES.has(host) || forbiddenAddress(host))
    return `${host} is a link-local or cloud metadata address`;
  return undefined;
}

/**
 * Refuses a URL whose host is, or resolves to, a link-local or cloud
 * metadata address (so a DNS name pointing there does not get through).
 */
export async function assertAllowedTarget(url: string): Promise<void> {
  const reason = forbiddenTarget(url);
  if (reason) throw new Error(reason);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return; // unresolvable: the request itself fails with a clear error
  }
  const bad = addresses.find(a => forbiddenAddress(a.address));
  if (bad)
    throw new Error(
      `${host} resolves to ${bad.address}, a link-local or cloud metadata address`,
    );
}
