import type { Page } from '../page.js';
import type { Subject, SubjectKind } from './model.js';

export interface SubjectFilter {
  accountId?: string;
  kinds: SubjectKind[];
  state?: string;
  cursor?: string;
  limit: number;
}

export interface SubjectPageFilter {
  accountId: string;
  kinds: SubjectKind[];
  states?: string[];
  number?: string;
  createdFrom?: number;
  createdTo?: number;
}

/** What subjects are read by. Writes go through the `Transactor` (unique number per account and kind). */
export interface SubjectReads {
  getSubject(id: string): Promise<Subject | null>;
  findSubjectByNumber(accountId: string | null, kinds: SubjectKind[], number: string): Promise<Subject | null>;
  /** The newest subject of the account with this base number. */
  findSubjectByBaseNumber(accountId: string, kinds: SubjectKind[], baseNumber: string): Promise<Subject | null>;
  listSubjects(filter: SubjectFilter): Promise<Page<Subject>>;
  /** Offset pages, oldest first, with the total (for APIs that number their pages). */
  pageSubjects(filter: SubjectPageFilter, offset: number, limit: number): Promise<{ items: Subject[]; total: number }>;
}
