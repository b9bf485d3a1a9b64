import { checkTweetText } from './tweetText';

/** One generated post, ready to schedule as it is. */
export interface GeneratedVariant {
  text: string;
  weightedLength: number;
}

export type VariantsCheck =
  | { ok: true; variants: GeneratedVariant[] }
  | { ok: false; problems: string[] };

const QUOTE_PAIRS: Array<[string, string]> = [['"', '"'], ["'", "'"], ['“', '”'], ['‘', '’'], ['«', '»'], ['`', '`']];
const FENCED = /^```[\w-]*[ \t]*\n?([\s\S]*?)\n?```$/;

/**
 * Removes formatting wrapped around the whole text: a markdown code fence, bold markers, or a pair
 * of quotation marks that do not also occur inside. Wrappers inside the text are left for the
 * checks to reject.
 */
export function stripWrapping(input: string): string {
  let text = input.trim();
  for (;;) {
    const before = text;
    const fenced = FENCED.exec(text);
    if (fenced) {
      text = fenced[1].trim();
    }
    for (const marker of ['**', '__']) {
      const inner = text.slice(marker.length, -marker.length);
      if (text.length >= marker.length * 2 && text.startsWith(marker) && text.endsWith(marker) && !inner.includes(marker)) {
        text = inner.trim();
      }
    }
    for (const [open, close] of QUOTE_PAIRS) {
      const inner = text.slice(1, -1);
      if (text.length >= 2 && text.startsWith(open) && text.endsWith(close) && !inner.includes(open) && !inner.includes(close)) {
        text = inner.trim();
      }
    }
    if (text === before) {
      return text;
    }
  }
}

/** Normalizes text for duplicate detection: NFC, trimmed, case-folded, whitespace collapsed. */
export function normalizeForComparison(text: string): string {
  return text.normalize('NFC').trim().toLowerCase().replace(/\s+/gu, ' ');
}

/**
 * Parses the model's JSON output and checks it: exactly `count` strings, each plain text of at most
 * 280 weighted characters that contains `url` verbatim when one is given, all distinct. Returns the
 * cleaned variants, or every problem found so the retry can name them.
 */
export function checkVariants(content: string | null, expected: { count: number; url?: string }): VariantsCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripWrapping(content ?? ''));
  } catch {
    return { ok: false, problems: ['the output is not valid JSON'] };
  }
  const list = (parsed as { variants?: unknown } | null)?.variants;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    return { ok: false, problems: ['the output must be an object whose "variants" field is an array of strings'] };
  }

  const problems: string[] = [];
  if (list.length !== expected.count) {
    problems.push(`expected ${expected.count} posts, got ${list.length}`);
  }
  const variants: GeneratedVariant[] = [];
  const seen = new Map<string, number>();
  list.forEach((item: string, index) => {
    const label = `post ${index + 1}`;
    const text = stripWrapping(item);
    if (text.includes('```') || text.includes('**') || /^#{1,6}\s/mu.test(text)) {
      problems.push(`${label} contains markdown`);
      return;
    }
    const checked = checkTweetText(text);
    if (!checked.ok) {
      problems.push(`${label} ${checked.message}`);
      return;
    }
    if (expected.url && !checked.text.includes(expected.url)) {
      problems.push(`${label} does not contain the URL ${expected.url}`);
      return;
    }
    const key = normalizeForComparison(checked.text);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`${label} repeats post ${first + 1}`);
      return;
    }
    seen.set(key, index);
    variants.push({ text: checked.text, weightedLength: checked.weightedLength });
  });

  return problems.length === 0 ? { ok: true, variants } : { ok: false, problems };
}
