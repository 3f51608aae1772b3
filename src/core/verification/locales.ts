/** Locales are kept as given (BCP 47 or vendor style such as zh_CN); templates fall back to en. */
const localePattern = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$/;

export const isLocale = (value: string): boolean => localePattern.test(value);

export const normaliseLocale = (value: string | undefined): string => {
  if (value === undefined || value === '') return 'en';
  return isLocale(value) ? value : 'en';
};
