import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { seedOne, subject, T0, verification } from './entities.js';
import type { Target } from './index.js';

/** Verification and subject reads: filters, cursors, offsets. */
export const readsContract = (t: Target) => {
  it('lists verifications newest first with an opaque cursor and filters', async () => {
    const { a } = t();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await seedOne(a, { recipient: i % 2 ? 'odd@example.com' : 'even@example.com', createdAt: T0 + i })).v.id);
    const list = a.verifications.listVerifications.bind(a.verifications);
    const first = await list({ limit: 2, now: T0 });
    expect(first.items.map((v) => v.id)).toEqual([ids[4], ids[3]]);
    const second = await list({ limit: 2, now: T0, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((v) => v.id)).toEqual([ids[2], ids[1]]);
    const last = await list({ limit: 2, now: T0, cursor: second.nextCursor ?? undefined });
    expect(last).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await list({ limit: 10, now: T0, recipient: 'odd@example.com' })).items).toHaveLength(2);
    expect((await list({ limit: 10, now: T0 + 7200_000, state: 'expired' })).items).toHaveLength(5);
    expect((await list({ limit: 10, now: T0, state: 'pending' })).items).toHaveLength(5);
    expect((await list({ limit: 10, now: T0, createdBefore: T0 + 2 })).items.map((v) => v.id)).toEqual([ids[1], ids[0]]);
    expect(await a.verifications.listExpiring(T0 + 7200_000, 3)).toHaveLength(3);
    expect(await a.verifications.listExpiring(T0, 3)).toEqual([]);
  });

  it('subjects: found by number and base number, listed by kind, paged with a total', async () => {
    const { a } = t();
    const older = subject({ number: '1', baseNumber: '7654321', kind: 'ssl_order', createdAt: T0 - 10 });
    const s = subject({ accountId: null });
    const smime = subject({
      kind: 'smime_order',
      number: '99',
      baseNumber: null,
      emails: ['m@example.com'],
      domains: [],
      dcvEmail: null,
      state: 'issued',
    });
    expect(await a.transactor.commit({ subjects: { insert: [older, s, smime] } })).toEqual({ ok: true });
    expect(await a.subjects.findSubjectByNumber(null, ['ssl_order', 'smime_order'], '1234567')).toEqual(s);
    expect(await a.subjects.findSubjectByNumber(null, ['smime_order'], '1234567')).toBeNull();
    expect(await a.subjects.findSubjectByNumber('other', ['ssl_order'], '1234567')).toBeNull();
    expect((await a.subjects.listSubjects({ kinds: ['ssl_order'], limit: 10 })).items).toEqual([s, older]);
    expect((await a.subjects.listSubjects({ kinds: ['smime_order', 'ssl_order'], state: 'issued', limit: 10 })).items).toEqual([smime]);
    const v = verification({ subjectId: s.id });
    await a.transactor.commit({ verifications: { insert: [v] } });
    expect(await a.verifications.verificationsOfSubject(s.id)).toEqual([v]);

    const acct = newId();
    await a.accounts.createAccount(
      { id: acct, name: 'paged', loginName: null, permissions: {}, createdAt: T0 },
      { passwordHash: null, apiKeys: [], accessKeys: [] },
    );
    const owned = [0, 1, 2].map((i) =>
      subject({
        accountId: acct,
        kind: 'email_identity',
        number: `e${i}@x.example`,
        baseNumber: '5',
        createdAt: T0 + i,
        state: i === 1 ? 'verified' : 'pending',
      }),
    );
    await a.transactor.commit({ subjects: { insert: owned } });
    expect((await a.subjects.findSubjectByBaseNumber(acct, ['email_identity'], '5'))?.id).toBe(owned[2]?.id);
    expect(await a.subjects.findSubjectByBaseNumber(acct, ['ssl_order'], '5')).toBeNull();
    const page = await a.subjects.pageSubjects({ accountId: acct, kinds: ['email_identity'] }, 1, 1);
    expect(page).toEqual({ items: [owned[1]], total: 3 });
    expect((await a.subjects.pageSubjects({ accountId: acct, kinds: ['email_identity'], states: ['pending'] }, 0, 10)).total).toBe(2);
    expect((await a.subjects.pageSubjects({ accountId: acct, kinds: ['email_identity'], number: 'e2@x.example' }, 0, 10)).items).toEqual([
      owned[2],
    ]);
    expect(
      (await a.subjects.pageSubjects({ accountId: acct, kinds: ['email_identity'], createdFrom: T0 + 1, createdTo: T0 + 1 }, 0, 10)).total,
    ).toBe(1);
  });
};
