import { html, joinHtml, type SafeHtml } from '../page.js';

export interface BarChart {
  id: string;
  title: string;
  /** One label per bar (shown below every few bars), and for the table. */
  labels: string[];
  values: number[];
  tone?: 'good' | 'bad';
  /** Label every n-th bar. */
  every?: number;
}

const W = 480;
const H = 180;
const PAD = { left: 36, right: 8, top: 10, bottom: 28 };

/** A round upper bound for the axis: 1, 2, 5, 10, 20, 50, ... */
const niceMax = (max: number): number => {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p) as number;
};

/**
 * A bar chart as inline SVG (no script, no library): labelled for screen readers, with the same
 * numbers in a table behind a disclosure for those who would rather read them.
 */
export const barChart = (c: BarChart): SafeHtml => {
  const top = niceMax(Math.max(0, ...c.values));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, c.values.length);
  const bars = c.values.map((v, i) => {
    const h = (v / top) * plotH;
    const x = PAD.left + i * step + step * 0.12;
    return html`<rect class="bar ${c.tone ?? ''}" x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(step * 0.76).toFixed(1)}" height="${h.toFixed(1)}"><title>${c.labels[i] ?? ''}: ${String(v)}</title></rect>`;
  });
  const every = c.every ?? 1;
  const ticks = c.labels.flatMap((l, i) =>
    i % every === 0
      ? [html`<text x="${(PAD.left + i * step + step / 2).toFixed(1)}" y="${String(H - 10)}" text-anchor="middle">${l}</text>`]
      : [],
  );
  const total = c.values.reduce((a, b) => a + b, 0);
  return html`<figure><figcaption id="${c.id}-t">${c.title}</figcaption>
<svg class="chart" viewBox="0 0 ${String(W)} ${String(H)}" role="img" aria-labelledby="${c.id}-t ${c.id}-d">
<desc id="${c.id}-d">${String(total)} in total; at most ${String(Math.max(0, ...c.values))} in one bar.</desc>
<line x1="${String(PAD.left)}" y1="${String(PAD.top + plotH)}" x2="${String(W - PAD.right)}" y2="${String(PAD.top + plotH)}"></line>
<text x="${String(PAD.left - 4)}" y="${String(PAD.top + 8)}" text-anchor="end">${String(top)}</text>
<text x="${String(PAD.left - 4)}" y="${String(PAD.top + plotH)}" text-anchor="end">0</text>
${joinHtml(bars, '')}${joinHtml(ticks, '')}</svg>
<details><summary>Show as a table</summary><div class="table" role="region" aria-label="${c.title} as a table" tabindex="0"><table><thead><tr><th scope="col">When</th><th scope="col">Count</th></tr></thead><tbody>${joinHtml(
    c.labels.map((l, i) => html`<tr><td>${l}</td><td>${String(c.values[i] ?? 0)}</td></tr>`),
    '',
  )}</tbody></table></div></details></figure>`;
};
