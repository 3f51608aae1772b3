import { Liquid } from 'liquidjs';

const limits = { parseLimit: 1_000_000, renderLimit: 1_000, memoryLimit: 10_000_000 };

/**
 * Liquid engines for templates people write. No file is ever read (`templates: {}`: include, render
 * and layout find nothing), unknown filters refuse to parse, only own properties are visible. The HTML
 * engine escapes every output; the text engine (subjects and plain text) does not need to.
 */
const engine = (html: boolean) =>
  new Liquid({
    templates: {},
    strictFilters: true,
    ownPropertyOnly: true,
    outputEscape: html ? 'escape' : undefined,
    timezoneOffset: 0,
    ...limits,
  });

export const htmlEngine = engine(true);
export const textEngine = engine(false);
