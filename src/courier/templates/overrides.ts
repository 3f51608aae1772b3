import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template as LiquidTemplate } from 'liquidjs';
import { isPurpose, type Purpose } from '../../core/model.js';
import { isLocale } from '../../core/verification/locales.js';
import { htmlEngine, textEngine } from './liquid.js';

/** One purpose and locale, written by the operator: subject, plain text and HTML, parsed. */
export interface OverrideTemplate {
  subject: LiquidTemplate[];
  text: LiquidTemplate[];
  html: LiquidTemplate[];
}

/** Locale -> template. */
export type LocaleTemplates = Map<string, OverrideTemplate>;

/** The templates of one scope (everyone's, or one account's): by purpose, and named sets by id. */
export interface TemplateTree {
  purposes: Map<Purpose, LocaleTemplates>;
  sets: Map<string, Map<Purpose, LocaleTemplates>>;
}

export interface TemplateOverrides {
  global: TemplateTree;
  /** By account name. */
  accounts: Map<string, TemplateTree>;
}

/** A template that cannot be used: the message names the file and the problem, on one line. */
export class TemplateLoadError extends Error {}

export const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];

/** The link must appear as is: a filter on it (escape, url_encode) would break it. */
const linkOutput = /\{\{-?\s*link\s*-?\}\}/;
/** `raw` would let a value past the HTML escaping. */
const rawFilter = /\|\s*raw\b/;
const setId = /^[A-Za-z0-9_-]{1,32}$/;
const accountName = /^[^/\\\u0000-\u001f]{1,64}$/;

/** Sample values every template is rendered with when it is loaded and previewed. */
export const sampleValues = (purpose: Purpose, locale: string) => ({
  link: 'https://reverify.example/verify?token=SAMPLE-TOKEN',
  recipient: 'someone@example.com',
  expires: 'January 4, 2026 at 12:00 PM UTC',
  order_number: '1234567',
  domains: 'example.com, www.example.com',
  first_name: 'Ada',
  purpose,
  locale,
});

const visible = (dir: string) => readdirSync(dir).filter((e) => !e.startsWith('.'));
const isDir = (path: string) => statSync(path).isDirectory();

const parse = (part: Part, source: string, rel: string): LiquidTemplate[] => {
  try {
    return (part === 'html' ? htmlEngine : textEngine).parse(source);
  } catch (e) {
    throw new TemplateLoadError(`${rel}: does not parse: ${(e as Error).message.split('\n')[0]}`);
  }
};

const loadLocale = (dir: string, rel: string, purpose: Purpose, locale: string): OverrideTemplate => {
  for (const entry of visible(dir))
    if (!PARTS.some((p) => entry === `${p}.liquid`))
      throw new TemplateLoadError(`${rel}/${entry}: not a template part (subject.liquid, text.liquid, html.liquid)`);
  const parts = {} as Record<Part, LiquidTemplate[]>;
  for (const part of PARTS) {
    const file = join(dir, `${part}.liquid`);
    const at = `${rel}/${part}.liquid`;
    if (!existsSync(file)) throw new TemplateLoadError(`${at}: missing (a template has subject.liquid, text.liquid and html.liquid)`);
    const source = readFileSync(file, 'utf8');
    if (part !== 'subject' && !linkOutput.test(source)) throw new TemplateLoadError(`${at}: lacks {{ link }}, the confirmation link`);
    if (part === 'html' && rawFilter.test(source)) throw new TemplateLoadError(`${at}: uses the raw filter; values are always escaped`);
    if (part === 'subject' && source.trim() === '') throw new TemplateLoadError(`${at}: is empty`);
    parts[part] = parse(part, source, at);
  }
  const sample = sampleValues(purpose, locale);
  for (const part of PARTS) {
    try {
      const out = (part === 'html' ? htmlEngine : textEngine).renderSync(parts[part], sample) as string;
      if (part !== 'subject' && !out.includes(sample.link)) throw new Error('renders without the link (is {{ link }} inside a condition?)');
    } catch (e) {
      throw new TemplateLoadError(`${rel}/${part}.liquid: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return parts;
};

const loadPurpose = (dir: string, rel: string, purpose: Purpose): LocaleTemplates => {
  const locales: LocaleTemplates = new Map();
  for (const locale of visible(dir)) {
    const path = join(dir, locale);
    if (!isDir(path) || !isLocale(locale)) throw new TemplateLoadError(`${rel}/${locale}: not a locale directory (en, de, zh_CN, ...)`);
    locales.set(locale, loadLocale(path, `${rel}/${locale}`, purpose, locale));
  }
  return locales;
};

const purposesIn = (dir: string, rel: string, into: Map<Purpose, LocaleTemplates>): void => {
  for (const entry of visible(dir)) {
    if (!isPurpose(entry) || !isDir(join(dir, entry)))
      throw new TemplateLoadError(
        `${rel ? `${rel}/` : ''}${entry}: not a purpose directory (dcv, smime_mailbox, email_ownership, account_activation)`,
      );
    into.set(entry, loadPurpose(join(dir, entry), rel ? `${rel}/${entry}` : entry, entry));
  }
};

const loadTree = (dir: string, rel: string, withAccounts: boolean, accounts: Map<string, TemplateTree>): TemplateTree => {
  const tree: TemplateTree = { purposes: new Map(), sets: new Map() };
  const at = (entry: string) => (rel ? `${rel}/${entry}` : entry);
  for (const entry of visible(dir)) {
    const path = join(dir, entry);
    if (entry === 'sets' && isDir(path)) {
      for (const id of visible(path)) {
        if (!setId.test(id) || !isDir(join(path, id)))
          throw new TemplateLoadError(`${at(`sets/${id}`)}: not a set directory (a name or number)`);
        const set = new Map<Purpose, LocaleTemplates>();
        purposesIn(join(path, id), at(`sets/${id}`), set);
        tree.sets.set(id, set);
      }
    } else if (entry === 'accounts' && withAccounts && isDir(path)) {
      for (const name of visible(path)) {
        if (!accountName.test(name) || !isDir(join(path, name)))
          throw new TemplateLoadError(`${at(`accounts/${name}`)}: not an account directory`);
        accounts.set(name, loadTree(join(path, name), at(`accounts/${name}`), false, accounts));
      }
    } else if (isPurpose(entry) && isDir(path)) {
      tree.purposes.set(entry, loadPurpose(path, at(entry), entry));
    } else {
      throw new TemplateLoadError(`${at(entry)}: not a purpose directory, sets/ or ${withAccounts ? 'accounts/' : 'a template'}`);
    }
  }
  return tree;
};

/** Loads a templates directory whole, or throws naming the first file that cannot be used. */
export const loadTemplateDir = (dir: string): TemplateOverrides => {
  if (!existsSync(dir) || !isDir(dir)) throw new TemplateLoadError(`${dir}: not a directory`);
  const accounts = new Map<string, TemplateTree>();
  const global = loadTree(dir, '', true, accounts);
  return { global, accounts };
};

/** How many templates a directory holds (purpose and locale pairs), for `templates check`. */
export const countTemplates = (o: TemplateOverrides): number => {
  const inTree = (t: TemplateTree) =>
    [...t.purposes.values(), ...[...t.sets.values()].flatMap((s) => [...s.values()])].reduce((n, locales) => n + locales.size, 0);
  return inTree(o.global) + [...o.accounts.values()].reduce((n, t) => n + inTree(t), 0);
};

/** Renders one part; the values are the template's variables. */
export const renderPart = async (part: Part, t: OverrideTemplate, values: Record<string, string>): Promise<string> =>
  (await (part === 'html' ? htmlEngine : textEngine).render(t[part], values)) as string;
