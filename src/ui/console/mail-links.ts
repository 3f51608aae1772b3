const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The web links of an email, from its HTML anchors and its text part, in order and once each. */
export const mailLinks = (htmlPart: string, textPart: string): string[] => {
  const fromHtml = [...htmlPart.matchAll(/<a\s[^>]*href\s*=\s*"([^"]*)"/gi)].map((m) =>
    (m[1] ?? '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e] ?? e),
  );
  const fromText = [...textPart.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
  return [...new Set([...fromHtml, ...fromText])].filter((l) => /^https?:\/\//i.test(l));
};
