/** Control characters (CR, LF, NUL...) never reach stored text or mail. */
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A person's name as given by an anonymous caller, made safe to store: no control characters, one line. */
export const cleanName = (raw: string | undefined): string | undefined => {
  const name = raw?.replace(controls, ' ').replace(/\s+/g, ' ').trim();
  return name ? name : undefined;
};

/** Anything a mail client would turn into a link: a scheme, a `www.`, an `@`, or a dotted host name. */
const linkLike = /[a-z][a-z0-9+.-]*:|www\.|@|[\p{L}\p{N}-]\.[\p{L}]{2,}/iu;

/**
 * A name that may appear in an email: never one that reads as a link, so text a stranger typed into
 * a sign-up form cannot become a clickable link in mail sent from this service.
 */
export const nameForMail = (name: string | undefined): string | undefined => {
  const clean = cleanName(name);
  return clean && !linkLike.test(clean) ? clean : undefined;
};
