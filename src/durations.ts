const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration such as `500ms`, `10s`, `5m`, `2h` or `1d` into milliseconds.
 * Returns undefined for anything else, so callers can report the invalid value.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Formats milliseconds with the largest unit that divides them exactly (`90000` → `90s`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    if (ms !== 0 && ms % UNIT_MS[unit] === 0) {
      return `${ms / UNIT_MS[unit]}${unit}`;
    }
  }
  return `${ms}ms`;
}
