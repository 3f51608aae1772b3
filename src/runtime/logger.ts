import pino, { type Logger } from 'pino';

/** Query parameters whose values are credentials. */
const secretParams = /([?&](?:token|signupCode|Signature|loginPassword|AccessKeyId)=)[^&#]*/gi;

export const redactUrl = (url: string): string => url.replace(secretParams, '$1[redacted]');

/** pino, with credentials removed from request logs; tokens and secrets never reach a log line. */
export const createLogger = (level: string, destination?: pino.DestinationStream): Logger =>
  pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-dc-devkey"]', 'req.headers.cookie', '*.loginPassword', '*.token', '*.secret'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          ip: req.ip,
        }),
      },
    },
    destination,
  );
