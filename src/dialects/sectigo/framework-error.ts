import type { FrameworkRenderer } from '../framework-problem.js';
import { sectigoFaults } from './fault.js';

/**
 * Whatever the framework refused under `/products`: -14, HTTP 200 as every Sectigo answer, in the
 * endpoint's format (a form for `!ResendDCVEmail`, text otherwise).
 */
export const sectigoFrameworkError: FrameworkRenderer = (p) => sectigoFaults.render('-14', p);
