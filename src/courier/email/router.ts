import type { MailTransport } from '../transports/transport.js';

/** `example.org=smtp://...` sends that domain's mail there; `*.example.org=...` its subdomains' mail. */
export interface SmtpRoute {
  pattern: string;
  url: string;
}

export const parseSmtpRoute = (entry: string): SmtpRoute => {
  const at = entry.indexOf('=');
  if (at < 1) throw new Error(`'${entry}' is not DOMAIN=URL`);
  const pattern = entry.slice(0, at).trim().toLowerCase();
  const url = entry.slice(at + 1).trim();
  if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(pattern)) throw new Error(`'${pattern}' is not a domain or *.domain`);
  if (!/^smtps?:\/\//.test(url)) throw new Error(`'${url}' is not an smtp:// or smtps:// URL`);
  return { pattern, url };
};

const matches = (pattern: string, domain: string): boolean =>
  pattern.startsWith('*.') ? domain.endsWith(pattern.slice(1)) : domain === pattern;

/**
 * Chooses the transport for a recipient domain: the first route whose pattern matches, else the
 * default. Each route has its own pooled transport, so a slow server holds only its own connections.
 */
export class TransportRouter {
  constructor(
    private readonly fallback: MailTransport,
    private readonly routes: { pattern: string; transport: MailTransport }[] = [],
  ) {}

  for(domain: string): MailTransport {
    return this.routes.find((r) => matches(r.pattern, domain))?.transport ?? this.fallback;
  }

  async close(): Promise<void> {
    await Promise.all([this.fallback, ...this.routes.map((r) => r.transport)].map((t) => t.close()));
  }
}
