import { longDate } from '../../core/long-date.js';
import type { Purpose } from '../../core/model.js';
import { escapeHtml } from '../../lib/escape-html.js';
import { resolveTemplate } from './catalogue.js';
import type { TemplateVars } from './template.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  locale: string;
}

/** Header values never carry line breaks or other control characters. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

export const renderMail = (purpose: Purpose, locale: string, vars: TemplateVars, variant?: string): RenderedMail => {
  const resolved = resolveTemplate(purpose, locale, variant);
  const formatDate = (d: Date) => longDate(resolved.locale, d);
  const t = resolved.template(vars, formatDate);
  const text = [...t.intro, `${t.action}:\n${vars.link}`, ...t.outro].join('\n\n');
  const paragraphs = (ps: string[]) => ps.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="${escapeHtml(resolved.locale.replace('_', '-'))}"><head><meta charset="utf-8"><title>${escapeHtml(t.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36em;margin:auto;padding:1em;color:#222">
${paragraphs(t.intro)}
<p><a href="${escapeHtml(vars.link)}" style="display:inline-block;padding:.6em 1.2em;background:#1a5fb4;color:#fff;border-radius:4px;text-decoration:none">${escapeHtml(t.action)}</a></p>
<p style="font-size:.9em;color:#555">${escapeHtml(vars.link)}</p>
${paragraphs(t.outro)}
</body></html>`;
  return { subject: oneLine(t.subject), text, html, locale: resolved.locale };
};
