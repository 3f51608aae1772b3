import { html, type SafeHtml } from '../page.js';

/**
 * An email's HTML as its own document (a captured mail, a template preview): no script, nothing
 * remote, framed by the console only; its links open outside.
 */
export const mailCsp = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      imgSrc: ['data:'],
      styleSrc: ["'unsafe-inline'"],
      frameAncestors: ["'self'"],
      sandbox: ['allow-popups', 'allow-popups-to-escape-sandbox'],
    },
  },
  frameguard: { action: 'sameorigin' as const },
};

export const withNewTabLinks = (doc: string): string =>
  /<head[^>]*>/i.test(doc) ? doc.replace(/<head[^>]*>/i, (h) => `${h}<base target="_blank">`) : `<base target="_blank">${doc}`;

/** The frame that shows such a document: sandboxed here too, so neither side alone lets a script run. */
export const mailFrame = (src: string, title: string): SafeHtml =>
  html`<iframe class="mail" title="${title}" sandbox="allow-popups allow-popups-to-escape-sandbox" src="${src}"></iframe>`;
