/**
 * A module-load hook for the Better Auth bench server: it sets the enumeration-defence floor of
 * `POST /send-verification-email` (`const MINIMUM_MS = 500;` in
 * better-auth/dist/api/routes/email-verification.mjs) to 0, in memory, for this process only.
 * Everything else (the user lookup, the JWT, the call to sendVerificationEmail) runs as shipped.
 * It fails loudly if that line is not found, so a new Better Auth version cannot silently
 * measure the floor as if it were gone.
 */
const FILE = '/better-auth/dist/api/routes/email-verification.mjs';
const FLOOR = 'const MINIMUM_MS = 500;';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.endsWith(FILE)) return result;
  const source = String(result.source);
  if (!source.includes(FLOOR)) throw new Error(`bench: "${FLOOR}" not found in ${url}; update better-auth-no-floor-hook.mjs`);
  return { ...result, source: source.replace(FLOOR, 'const MINIMUM_MS = 0;') };
}
