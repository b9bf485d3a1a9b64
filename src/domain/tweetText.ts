import twitterText from 'twitter-text';

/** Maximum weighted length of one post, as twitter-text counts it. */
export const MAX_WEIGHTED_LENGTH = 280;

/**
 * Whitespace, format characters (zero-width space and joiners, BOM, word joiner) and the fillers
 * that render as nothing. Text made only of these looks empty on X.
 */
const INVISIBLE = /[\p{White_Space}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** C0 controls, DEL and C1 controls, except tab, line feed and carriage return. */
const CONTROL = /[^\P{Cc}\t\n\r]/u;

/** Combining marks (accents, enclosing circles), which render only on a base character. */
const COMBINING_MARKS = /\p{M}/gu;

export type TweetTextResult =
  | { ok: true; text: string; weightedLength: number }
  | { ok: false; message: string };

/**
 * Normalises text to NFC and checks it the way X counts it (twitter-text weighted length: URLs
 * count 23, CJK and emoji 2). Rejects blank, invisible-only and combining-mark-only text, NUL and
 * other control characters (tab, line feed and carriage return excepted), U+FFFD and lone surrogates.
 */
export function checkTweetText(input: string): TweetTextResult {
  if (!input.isWellFormed()) {
    return { ok: false, message: 'must not contain lone UTF-16 surrogates' };
  }
  if (input.includes('\u0000')) {
    return { ok: false, message: 'must not contain NUL characters' };
  }
  // The JSON parser decodes invalid UTF-8 to U+FFFD instead of failing, so corrupted text would
  // otherwise reach X as replacement characters.
  if (input.includes('\ufffd')) {
    return {
      ok: false,
      message: 'contains the replacement character U+FFFD, which usually means the body was not valid UTF-8; send the text encoded as UTF-8',
    };
  }
  const control = CONTROL.exec(input);
  if (control) {
    return { ok: false, message: `must not contain control characters other than tab, line feed and carriage return; found ${codePointName(control[0])}` };
  }

  const text = input.normalize('NFC');
  const visible = text.replace(INVISIBLE, '');
  if (visible === '') {
    return { ok: false, message: 'must contain visible characters' };
  }
  if (visible.replace(COMBINING_MARKS, '') === '') {
    return { ok: false, message: 'must contain visible characters other than combining marks, which need a letter or symbol to attach to' };
  }

  const parsed = twitterText.parseTweet(text);
  if (parsed.weightedLength > MAX_WEIGHTED_LENGTH) {
    return {
      ok: false,
      message: `is ${parsed.weightedLength} characters as X counts them; the maximum is ${MAX_WEIGHTED_LENGTH}`,
    };
  }
  if (!parsed.valid) {
    return { ok: false, message: 'contains characters X does not accept (U+FFFE, U+FEFF or U+FFFF)' };
  }
  return { ok: true, text, weightedLength: parsed.weightedLength };
}

function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
