/**
 * The console's only static files, served by Reverify itself (no CDN, works offline). Kept in code so
 * that the compiled build needs no asset copying.
 */
export const consoleCss = `
:root{--fg:#1b1b1b;--muted:#4d4d4d;--line:#c9c9c9;--bg:#fff;--soft:#f3f5f8;--link:#0a4fa8;--accent:#1a5fb4;--bad:#a3160b;--good:#1d6b2a;--warn:#7a4b00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)} a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em;z-index:2} .skip:focus{left:.5em}
header.top{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;padding:.6em 1em;background:#14243b;color:#fff}
header.top a{color:#fff} header.top .brand{font-weight:700;text-decoration:none;margin-right:.5em}
nav ul{display:flex;flex-wrap:wrap;gap:.25em 1em;list-style:none;margin:0;padding:0}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
header.top .who{margin-left:auto;display:flex;flex-wrap:wrap;gap:.5em;align-items:center;font-size:.9em}
header.top button{background:transparent;color:#fff;border:1px solid #fff;padding:.25em .7em}
main{max-width:72em;margin:0 auto;padding:1em}
h1{font-size:1.6em;margin:.3em 0 .6em} h2{font-size:1.25em;margin:1.4em 0 .5em}
button,.button{font:inherit;padding:.45em 1em;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent)} button.danger{background:var(--bad);border-color:var(--bad)}
input,select{font:inherit;padding:.4em;border:1px solid #767676;border-radius:4px;max-width:100%;background:#fff;color:var(--fg)}
label{display:block;font-weight:600;margin-bottom:.2em}
form.filters{display:flex;flex-wrap:wrap;gap:.8em;align-items:flex-end;background:var(--soft);padding:.8em;border-radius:6px}
form.filters div{display:flex;flex-direction:column}
form.stack{display:grid;gap:.8em;max-width:28em} form.stack input[type=url]{width:100%}
form.inline{display:inline}
.table{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45em .6em;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}
caption{text-align:left;font-weight:600;padding:.4em .6em}
.muted{color:var(--muted)} .mono{font-family:ui-monospace,monospace;word-break:break-all}
.table td.mono{word-break:normal;overflow-wrap:break-word}
.state{display:inline-block;padding:0 .5em;border-radius:1em;font-size:.9em;border:1px solid currentColor}
.state-confirmed,.state-sent{color:var(--good)} .state-expired,.state-cancelled,.state-failed,.state-suppressed,.state-bounced{color:var(--bad)} .state-pending,.state-queued,.state-deferred,.state-sending{color:var(--warn)}
.notice{padding:.7em 1em;border-radius:6px;border-left:6px solid var(--good);background:#eef7ef;margin:0 0 1em}
.notice.bad{border-color:var(--bad);background:#fbeeed}
.secret{font-family:ui-monospace,monospace;font-size:1.05em;background:#fff8d6;padding:.4em .6em;border:1px dashed #7a5b00;word-break:break-all}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em} dl.facts dt{font-weight:600} dl.facts dd{margin:0;word-break:break-word}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
ol.timeline>li{padding:.3em 0 .8em 1em;position:relative}
ol.timeline>li::before{content:"";position:absolute;left:-.55em;top:.7em;width:.8em;height:.8em;border-radius:50%;background:var(--accent)}
ol.timeline>li.bad::before{background:var(--bad)} ol.timeline>li.good::before{background:var(--good)}
ol.timeline ul{margin:.3em 0 0;padding-left:1.2em}
.counts{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5em,1fr));gap:.6em;list-style:none;padding:0}
.counts li{border:1px solid var(--line);border-radius:6px;padding:.4em .8em}
.counts li span{display:block;font-size:.85em}
.counts strong{display:block;font-size:1.4em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(20em,1fr));gap:1em}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:.6em}
figcaption{font-weight:600;margin-bottom:.3em}
svg.chart{width:100%;height:auto;display:block}
svg.chart .bar{fill:var(--accent)} svg.chart .bar.bad{fill:var(--bad)} svg.chart .bar.good{fill:var(--good)}
svg.chart text{font-size:11px;fill:#333} svg.chart line{stroke:#999}
article.card{border:1px solid var(--line);border-radius:6px;padding:.2em 1em .6em;margin:0 0 1em}
article.card h3{margin:.6em 0 .4em;font-size:1.05em} h4{margin:.8em 0 .4em;font-size:1em}
.actions{display:flex;flex-wrap:wrap;gap:.6em 1.2em;align-items:center}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.5em .8em;margin:0;min-width:0}
legend{font-weight:600;padding:0 .3em}
label.check{display:flex;gap:.5em;align-items:center;font-weight:400;margin:.25em 0}
label.check input{width:1.15em;height:1.15em;margin:0}
.subject{font-size:1.1em;font-weight:600;margin:.2em 0}
ol.timeline li.bounce{color:var(--bad)}
iframe.mail{width:100%;min-height:24em;border:1px solid var(--line);border-radius:6px;background:#fff}
pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);padding:.8em;border-radius:6px}
.pager{margin:1em 0}
@media (max-width:40em){main{padding:.6em} h1{font-size:1.35em} th,td{padding:.35em .4em}}
`;

/** Live counts on the Messages page: polls the counts as JSON and updates the numbers in place. */
export const consoleJs = `'use strict';
(function () {
  var box = document.querySelector('[data-live-counts]');
  if (!box || !window.fetch) return;
  var url = box.getAttribute('data-live-counts');
  function refresh() {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        Object.keys(counts).forEach(function (status) {
          var el = box.querySelector('[data-count="' + status + '"]');
          if (el && el.textContent !== String(counts[status])) el.textContent = String(counts[status]);
        });
        var at = box.querySelector('[data-updated]');
        if (at) at.textContent = new Date().toISOString().slice(11, 19) + ' UTC';
      })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();
`;
