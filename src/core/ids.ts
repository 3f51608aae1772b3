import { v7 } from 'uuid';

/** Time-ordered ids: newest-first listings and cursors follow the id. */
export const newId = (): string => v7();
