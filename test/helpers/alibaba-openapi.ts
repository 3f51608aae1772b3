import * as openapi from '@alicloud/openapi-client';

/** The Tea/Darabonba OpenAPI client every generated Alibaba Cloud SDK calls through. */
type ClientClass = typeof openapi.default.default;
// Loaded as CommonJS: depending on the loader, the class is the default export or its `default`.
const OpenApiClient: ClientClass = openapi.default.default ?? (openapi.default as unknown as ClientClass);

export interface OpenApiCallOptions {
  /** Where the parameters travel: the query (what generated RPC clients do) or a form body. */
  in?: 'query' | 'body';
  /** Extra request headers; they override the client's own (a fixed nonce or date). */
  headers?: Record<string, string>;
  bodyType?: 'json' | 'string';
}

/** `new Client(config)` and `callApi` for one action of the Domain API (2018-01-29), as an SDK would call it. */
export const openApiClient = (endpointUrl: string, key: { id: string; secret: string }, signatureAlgorithm?: 'v2' | 'ACS3-HMAC-SHA256') => {
  const url = new URL(endpointUrl);
  const client = new OpenApiClient(
    new openapi.Config({
      accessKeyId: key.id,
      accessKeySecret: key.secret,
      endpoint: url.host,
      protocol: url.protocol.replace(':', ''),
      ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    }),
  );
  return async (action: string, params: Record<string, string>, options: OpenApiCallOptions = {}) => {
    const request = new openapi.OpenApiRequest({
      ...(options.in === 'body' ? { body: params } : { query: params }),
      headers: options.headers ?? {},
    });
    const res = await client.callApi(
      new openapi.Params({
        action,
        version: '2018-01-29',
        protocol: 'HTTP',
        pathname: '/',
        method: 'POST',
        authType: 'AK',
        style: 'RPC',
        reqBodyType: 'formData',
        bodyType: options.bodyType ?? 'json',
      }),
      request,
      { autoretry: false } as Parameters<typeof client.callApi>[2],
    );
    return res as { statusCode: number; headers: Record<string, string>; body: any };
  };
};
