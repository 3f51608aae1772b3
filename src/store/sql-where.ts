/** Builds a WHERE clause from optional filters: a filter left undefined adds nothing. */
export class Where {
  private readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...values: (unknown | undefined)[]): this {
    if (values.some((v) => v === undefined)) return this;
    this.clauses.push(clause);
    this.params.push(...values);
    return this;
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
