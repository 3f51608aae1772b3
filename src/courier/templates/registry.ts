import { longDate } from '../../core/long-date.js';
import type { Purpose } from '../../core/model.js';
import type { TemplateSets } from '../../core/templates/port.js';
import { installedTemplateIds } from '../../core/verification/template-ids.js';
import type { MailRenderer } from '../email/channel.js';
import { templates as builtin, variants } from './catalogue.js';
import { securityNotice, withHtmlNotice } from './notice.js';
import { type LocaleTemplates, renderPart, sampleValues, type TemplateOverrides } from './overrides.js';
import { type RenderedMail, renderMail } from './render.js';
import type { TemplateVars } from './template.js';

/** Where one purpose's templates may come from, most specific first. */
type Source = { kind: 'override'; locales: LocaleTemplates } | { kind: 'builtin'; variant?: string };

const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

/**
 * The templates in force: the operator's (REVERIFY_TEMPLATES_DIR: everyone's, and per account), then
 * the built-in ones. A chosen set (Sectigo's dcvTemplateID) is looked for in the account's sets, the
 * shared sets and the installed variants; otherwise the account's templates, the shared ones, the
 * built-in ones. Within that order, the exact locale wins, then its language, then English.
 */
export class TemplateRegistry implements TemplateSets {
  private readonly names = new Map<string, string | null>();

  constructor(
    private readonly overrides: TemplateOverrides | null,
    private readonly accountName: (id: string) => Promise<string | null>,
  ) {}

  isKnown(purpose: Purpose, id: string): boolean {
    if (installedTemplateIds[purpose]?.includes(id)) return true;
    const trees = this.overrides ? [this.overrides.global, ...this.overrides.accounts.values()] : [];
    return trees.some((t) => t.sets.get(id)?.has(purpose));
  }

  async isAvailable(accountId: string | null, purpose: Purpose, id: string): Promise<boolean> {
    return (await this.setSources(await this.account(accountId), purpose, id)).length > 0;
  }

  readonly render: MailRenderer = async (m, vars) => this.renderFor(await this.account(m.accountId), m.purpose, m.locale, m.set, vars);

  /** Renders with sample values, as `reverify templates preview` and the console show a template. */
  async preview(account: string | null, purpose: Purpose, locale: string, set?: string): Promise<RenderedMail> {
    const sample = sampleValues(purpose, locale);
    const vars: TemplateVars = {
      link: sample.link,
      expiresAt: new Date(Date.UTC(2026, 0, 4, 12)),
      recipient: sample.recipient,
      orderNumber: sample.order_number,
      domains: sample.domains,
      firstName: sample.first_name,
    };
    return this.renderFor(account, purpose, locale, set, vars);
  }

  private async account(accountId: string | null): Promise<string | null> {
    if (accountId === null || !this.overrides?.accounts.size) return null;
    if (!this.names.has(accountId)) this.names.set(accountId, await this.accountName(accountId));
    return this.names.get(accountId) ?? null;
  }

  private async setSources(account: string | null, purpose: Purpose, set: string): Promise<Source[]> {
    const o = this.overrides;
    const sources: Source[] = [];
    for (const tree of [account === null ? undefined : o?.accounts.get(account), o?.global]) {
      const locales = tree?.sets.get(set)?.get(purpose);
      if (locales?.size) sources.push({ kind: 'override', locales });
    }
    if (installedTemplateIds[purpose]?.includes(set)) sources.push({ kind: 'builtin', variant: set });
    return sources;
  }

  private async renderFor(account: string | null, purpose: Purpose, locale: string, set: string | undefined, vars: TemplateVars) {
    const chosen = set ? await this.setSources(account, purpose, set) : [];
    const o = this.overrides;
    const sources: Source[] =
      chosen.length > 0
        ? chosen
        : [
            ...[account === null ? undefined : o?.accounts.get(account), o?.global].flatMap((tree): Source[] => {
              const locales = tree?.purposes.get(purpose);
              return locales?.size ? [{ kind: 'override', locales }] : [];
            }),
            { kind: 'builtin' },
          ];
    const language = locale.split(/[_-]/)[0]?.toLowerCase() ?? 'en';
    for (const candidate of [locale, language, 'en']) {
      for (const source of sources) {
        if (source.kind === 'override') {
          const t = source.locales.get(candidate);
          if (t) return this.renderOverride(t, purpose, candidate, vars);
        } else {
          const table = (source.variant && variants[purpose]?.[source.variant]) || builtin[purpose];
          if (table[candidate]) return renderMail(purpose, candidate, vars, source.variant);
        }
      }
    }
    return renderMail(purpose, 'en', vars);
  }

  private async renderOverride(
    t: Parameters<typeof renderPart>[1],
    purpose: Purpose,
    locale: string,
    vars: TemplateVars,
  ): Promise<RenderedMail> {
    const expires = longDate(locale, vars.expiresAt);
    const values = {
      link: vars.link,
      recipient: vars.recipient,
      expires,
      order_number: vars.orderNumber ?? '',
      domains: vars.domains ?? '',
      first_name: vars.firstName ?? '',
      purpose,
      locale,
    };
    const notice = securityNotice(locale, expires);
    return {
      subject: oneLine(await renderPart('subject', t, values)),
      text: `${(await renderPart('text', t, values)).trim()}\n\n-- \n${notice}\n`,
      html: withHtmlNotice(await renderPart('html', t, values), notice),
      locale,
    };
  }
}
