/** One formatter per locale: building an Intl.DateTimeFormat cost more than rendering the rest of a mail (measured). */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A date as people of `locale` write it in full, in UTC ("January 4, 2026 at 12:00 PM UTC"). */
export const longDate = (locale: string, at: Date | number): string => {
  const tag = locale.replace('_', '-');
  let f = formatters.get(tag);
  if (!f) {
    f = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    formatters.set(tag, f);
  }
  return `${f.format(at)} UTC`;
};
