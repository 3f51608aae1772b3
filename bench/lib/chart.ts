import { escapeHtml } from '../../src/lib/escape-html.js';
import type { CaseResult } from './http-case.js';

const colours: Record<string, string> = {
  limit: '#5e5c64',
  reverify: '#1a5fb4',
  postgres: '#0e7c86',
  peer: '#c64600',
  delivery: '#26a269',
  growth: '#613583',
};

/**
 * One horizontal bar per case on a logarithmic axis (the cases span 100 to 25,000 a second), its
 * rate written beside it; a case that did not run says why instead of a bar. Hand-made SVG.
 */
export const chartSvg = (results: CaseResult[], title: string): string => {
  // About 7 px a character at 13 px: room for the longest case name.
  const label = Math.max(200, ...results.map((r) => r.name.length * 7 + 16));
  const plot = 520;
  const row = 26;
  const top = 56;
  const height = top + results.length * row + 40;
  const width = label + plot + 130;
  const rates = results.map((r) => r.rps).filter((v): v is number => v != null && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(10, ...rates)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(100, ...rates)));
  const x = (v: number) => label + (plot * (Math.log10(v) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escapeHtml(title)}</text>`,
    `<text x="10" y="42" fill="#555">requests (or messages) per second, log scale; colour: ${Object.keys(colours).join(', ')}</text>`,
  ];
  for (let v = lo; v <= hi; v *= 10) {
    out.push(
      `<line x1="${x(v)}" y1="${top - 6}" x2="${x(v)}" y2="${top + results.length * row}" stroke="#ddd"/>`,
      `<text x="${x(v)}" y="${top + results.length * row + 16}" text-anchor="middle" fill="#555">${v.toLocaleString('en-US')}</text>`,
    );
  }
  results.forEach((r, i) => {
    const y = top + i * row;
    out.push(`<text x="${label - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(r.name)}</text>`);
    if (r.status === 'ok' && r.rps != null && r.rps > 0) {
      const w = Math.max(1, x(Math.max(r.rps, lo)) - label);
      out.push(
        `<rect x="${label}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}" fill="${colours[r.group] ?? '#888'}"/>`,
        `<text x="${(label + w + 6).toFixed(1)}" y="${y + 16}">${Math.round(r.rps).toLocaleString('en-US')} ${r.unit}</text>`,
      );
    } else {
      out.push(`<text x="${label + 4}" y="${y + 16}" fill="#a51d2d">${escapeHtml(`${r.status}: ${r.detail ?? ''}`.slice(0, 80))}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
};
