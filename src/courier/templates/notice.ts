import { escapeHtml } from '../../lib/escape-html.js';

/** The security wording every overridden mail ends with, in Reverify's words: templates cannot change or drop it. */
const notices: Record<string, (expires: string) => string> = {
  en: (d) => `This link expires on ${d}. If you did not expect this email, ignore it: nothing happens unless the link is used.`,
  de: (d) =>
    `Dieser Link läuft am ${d} ab. Wenn Sie diese E-Mail nicht erwartet haben, ignorieren Sie sie: Ohne den Link geschieht nichts.`,
  fr: (d) =>
    `Ce lien expire le ${d}. Si vous n'attendiez pas ce message, ignorez-le : rien ne se passe tant que le lien n'est pas utilisé.`,
  es: (d) => `Este enlace caduca el ${d}. Si no esperaba este correo, ignórelo: no ocurre nada a menos que se use el enlace.`,
  ja: (d) => `このリンクの有効期限は ${d} です。心当たりのない場合はこのメールを無視してください。リンクを使わない限り何も起こりません。`,
  zh: (d) => `此链接将于 ${d} 失效。如果您没有预期收到此邮件，请忽略它：除非使用该链接，否则不会发生任何事情。`,
};

export const securityNotice = (locale: string, expires: string): string =>
  (notices[locale.split(/[_-]/)[0]?.toLowerCase() ?? 'en'] ?? (notices.en as (d: string) => string))(expires);

/** The notice at the end of the HTML body (before `</body>` when there is one). */
export const withHtmlNotice = (html: string, notice: string): string => {
  const p = `<p style="font-size:.85em;color:#555">${escapeHtml(notice)}</p>`;
  const end = html.search(/<\/body>/i);
  return end === -1 ? `${html}\n${p}` : `${html.slice(0, end)}${p}\n${html.slice(end)}`;
};
