import type { FrameworkProblem, WireAnswer } from './framework-problem.js';

/** A dialect's vendor errors a sandbox fault may produce, and how each is written on the wire. */
export interface FaultAnswers {
  codes: readonly string[];
  render(code: string, request: Pick<FrameworkProblem, 'method' | 'url' | 'headers'> & { body?: string }): WireAnswer;
}
