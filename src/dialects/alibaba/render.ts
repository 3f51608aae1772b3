import { XMLBuilder } from 'fast-xml-parser';

export type Format = 'XML' | 'JSON';

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false, processEntities: true });

/**
 * Writes a response the way Alibaba's RPC endpoints do: JSON with PascalCase keys, or XML with the
 * same structure under `root`. A list is a plain JSON array (`"SuccessList":[{...}]`) and, in XML,
 * one element per item, repeated (`<SuccessList>...</SuccessList><SuccessList>...</SuccessList>`).
 */
export const renderBody = (format: Format, root: string, body: Record<string, unknown>): { contentType: string; text: string } =>
  format === 'JSON'
    ? { contentType: 'application/json;charset=utf-8', text: JSON.stringify(body) }
    : { contentType: 'text/xml;charset=utf-8', text: `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: body })}` };
