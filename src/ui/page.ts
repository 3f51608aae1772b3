import { escapeHtml } from '../lib/escape-html.js';
export const html = (strings: TemplateStringsArray, ...values: (string | number | SafeHtml)[]): SafeHtml =>
  new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i] as string | number | SafeHtml) : ''), ''));

export class SafeHtml {
  constructor(readonly value: string) {}
}

const render = (v: string | number | SafeHtml) => (v instanceof SafeHtml ? v.value : escapeHtml(String(v)));

/** A small self-contained page: no scripts, no external resources. */
export const page = (title: string, body: SafeHtml): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34em;margin:3em auto;padding:0 1em;color:#222}
button{font-size:1.1em;padding:.6em 1.4em;background:#1a5fb4;color:#fff;border:0;border-radius:4px;cursor:pointer}
.note{color:#555;font-size:.9em} h1{font-size:1.5em}</style></head>
<body>${body.value}</body></html>`;

/** The content type of every page; the security headers come from `htmlSecurity`. */
export const pageHeaders = { 'content-type': 'text/html; charset=utf-8' };

export const joinHtml = (parts: SafeHtml[], separator = '\n'): SafeHtml => new SafeHtml(parts.map((p) => p.value).join(separator));
