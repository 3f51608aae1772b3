import { describe, expect, it } from 'vitest';
import { type Purpose, purposes } from '../../core/model.js';
import { installedTemplateIds } from '../../core/verification/template-ids.js';
import { templates } from './catalogue.js';
import { renderMail } from './render.js';

const vars = {
  link: 'https://r.example/verify?token=abc_DEF-123',
  expiresAt: new Date(Date.UTC(2026, 10, 26, 15, 0)),
  recipient: 'a@example.com',
};

describe('mail templates', () => {
  it('ship en and de for every purpose, and DCV in en, de, fr, es, ja and zh_CN', () => {
    for (const p of purposes) expect(Object.keys(templates[p])).toEqual(expect.arrayContaining(['de', 'en']));
    expect(Object.keys(templates.dcv).sort()).toEqual(['de', 'en', 'es', 'fr', 'ja', 'zh_CN']);
    const subjects = ['en', 'de', 'fr', 'es', 'ja', 'zh_CN'].map((l) => renderMail('dcv', l, { ...vars, domains: 'example.com' }));
    expect(new Set(subjects.map((r) => r.subject)).size).toBe(6);
    expect(subjects.map((r) => r.locale)).toEqual(['en', 'de', 'fr', 'es', 'ja', 'zh_CN']);
    expect(renderMail('dcv', 'zh_TW', vars).locale).toBe('en');
  });

  it.each(purposes)('%s renders text and HTML with the link, in the requested locale', (purpose) => {
    const en = renderMail(purpose, 'en', { ...vars, orderNumber: '42', domains: 'example.com' });
    const de = renderMail(purpose, 'de_DE', { ...vars, orderNumber: '42', domains: 'example.com' });
    expect(en.text).toContain(vars.link);
    expect(en.html).toContain('href="https://r.example/verify?token=abc_DEF-123"');
    expect(de.locale).toBe('de');
    expect(de.subject).not.toBe(en.subject);
    expect(de.text).toContain('2026');
  });

  it('provides every installed template id', () => {
    for (const [purpose, ids] of Object.entries(installedTemplateIds)) {
      for (const id of ids ?? []) {
        const r = renderMail(purpose as Purpose, 'en', vars, id);
        expect(r.text).toContain(vars.link);
        if (id !== '1') expect(r.subject).not.toBe(renderMail(purpose as Purpose, 'en', vars).subject);
      }
    }
  });

  it('falls back to en for a locale without a template', () => {
    expect(renderMail('dcv', 'ko', vars).locale).toBe('en');
  });

  it('escapes data in HTML and keeps the subject on one line', () => {
    const r = renderMail('dcv', 'en', { ...vars, domains: '<b>x</b>.example.com\r\nBcc: evil@example.com' });
    expect(r.html).not.toContain('<b>x</b>');
    expect(r.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(r.subject).not.toMatch(/[\r\n]/);
  });
});
