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

  /** `column IN (?, ...)`: an absent list adds nothing, an empty one matches no row (as SQL's `IN ()` would). */
  in(column: string, values: readonly unknown[] | undefined): this {
    if (values === undefined) return this;
    if (values.length === 0) return this.add('1 = 0');
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
