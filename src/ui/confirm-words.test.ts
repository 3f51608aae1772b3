import { describe, expect, it } from 'vitest';
import { purposes } from '../core/model.js';
import { templates } from '../courier/templates/catalogue.js';
import { confirmWords, wordsFor } from './confirm-words.js';

describe('confirm page words', () => {
  it('exist for every locale a mail template exists in, and only those', () => {
    const templateLocales = new Set(purposes.flatMap((p) => Object.keys(templates[p])));
    expect(new Set(Object.keys(confirmWords))).toEqual(templateLocales);
  });

  it('name the address, and for DCV the order and the domains, in each language', () => {
    for (const [locale, w] of Object.entries(confirmWords)) {
      for (const p of purposes) expect(w.heading[p], `${locale} ${p}`).toBeTruthy();
      expect(w.address('a@example.com')).toContain('a@example.com');
      expect(w.dcvRequest('1234567')).toContain('1234567');
      expect(w.dcvMeaning('admin@example.com')).toContain('admin@example.com');
      expect(w.approved.text('example.com')).toContain('example.com');
      expect(w.approve).not.toBe(w.confirm);
    }
  });

  it('falls back from a regional locale to its language, then to English', () => {
    expect(wordsFor('de_DE').locale).toBe('de');
    expect(wordsFor('zh_CN').locale).toBe('zh_CN');
    expect(wordsFor('zh_TW').locale).toBe('en');
    expect(wordsFor('ko').words).toBe(confirmWords.en);
  });
});
