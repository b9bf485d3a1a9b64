import test from 'ava';
import { checkTweetText, MAX_WEIGHTED_LENGTH } from '../../src/domain/tweetText';

function weightedLength(text: string): number {
  const result = checkTweetText(text);
  if (!result.ok) {
    throw new Error(`${JSON.stringify(text)} was rejected: ${result.message}`);
  }
  return result.weightedLength;
}

function rejection(text: string): string {
  const result = checkTweetText(text);
  if (result.ok) {
    throw new Error(`${JSON.stringify(text)} was accepted`);
  }
  return result.message;
}

test('maximum is 280', (t) => {
  t.is(MAX_WEIGHTED_LENGTH, 280);
});

test('Latin letters count one each', (t) => {
  t.is(weightedLength('a'.repeat(280)), 280);
  t.is(rejection('a'.repeat(281)), 'is 281 characters as X counts them; the maximum is 280');
});

test('CJK characters count two each', (t) => {
  t.is(weightedLength('あ'.repeat(140)), 280);
  t.is(rejection('あ'.repeat(141)), 'is 282 characters as X counts them; the maximum is 280');
});

test('emoji count two each', (t) => {
  t.is(weightedLength('🚀'), 2);
  t.is(weightedLength('👩🏽‍💻'), 2);
  t.is(weightedLength('🚀'.repeat(140)), 280);
  t.truthy(rejection('🚀'.repeat(141)));
});

test('URLs count 23 whatever their length', (t) => {
  t.is(weightedLength('https://example.com/a/very/long/path/that/goes/on/and/on?with=query'), 23);
  t.is(weightedLength('example.com'), 23);
  t.is(weightedLength(`${'a'.repeat(256)} https://example.com/${'x'.repeat(100)}`), 280);
});

test('text is normalised to NFC', (t) => {
  const result = checkTweetText('Cafe\u0301');

  t.true(result.ok);
  t.is(result.ok && result.text, 'Café');
  t.is(result.ok && result.weightedLength, 4);
});

test('supplementary characters are kept intact', (t) => {
  const text = '𠀋 👩🏽‍💻 ship it 🚀';
  const result = checkTweetText(text);

  t.true(result.ok);
  t.is(result.ok && result.text, text);
});

test('blank and invisible text rejected', (t) => {
  for (const text of ['', ' ', '\n\t  \r\n', '\u200b', '\u200b\u200c\u200d', '\u2060', '\ufeff', '\u3164', '\u2800', '\u00a0\u3000']) {
    t.is(rejection(text), 'must contain visible characters', JSON.stringify(text));
  }
});

test('combining marks alone rejected', (t) => {
  for (const text of ['\u0301', '\u0301\u0308', ' \u20dd ', '\u200b\u0301']) {
    t.regex(rejection(text), /combining marks/, JSON.stringify(text));
  }
});

test('combining marks on a letter accepted', (t) => {
  t.is(weightedLength('e\u0301'), 1);
});

test('control characters rejected', (t) => {
  for (const [text, codePoint] of [['ring \u0007', 'U+0007'], ['\u001b[31mred', 'U+001B'], ['a\u000bb', 'U+000B'], ['del\u007f', 'U+007F'], ['next\u0085line', 'U+0085'], ['\u009b', 'U+009B']]) {
    const message = rejection(text);
    t.regex(message, /control character/, JSON.stringify(text));
    t.true(message.includes(codePoint), `${JSON.stringify(text)}: ${message}`);
  }
});

test('tab and line breaks accepted', (t) => {
  t.is(weightedLength('a\tb\r\nc\nd'), 8);
});

test('NUL rejected', (t) => {
  t.is(rejection('before\u0000after'), 'must not contain NUL characters');
});

test('replacement character rejected', (t) => {
  for (const text of ['bad \ufffd\ufffd', '\ufffd']) {
    t.regex(rejection(text), /replacement character U\+FFFD/, JSON.stringify(text));
  }
});

test('lone surrogates rejected', (t) => {
  for (const text of ['\ud800', 'a\udc00b', 'ends with \ud83d']) {
    t.is(rejection(text), 'must not contain lone UTF-16 surrogates', JSON.stringify(text));
  }
});

test('visible text with spaces accepted', (t) => {
  t.is(weightedLength('  hello  '), 9);
  t.is(weightedLength('\u200bx'), 2, 'twitter-text counts invisible characters beside visible ones');
});
