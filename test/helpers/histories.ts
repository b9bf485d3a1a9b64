import fs from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

/** Where the recorded histories of the replay test live. */
export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

// NOTE: not the SDK's historyToJSON/historyFromJSON: with @temporalio/common 1.24 installed here
// they throw "type must be a Type", because common bundles protobufjs 8 while the generated
// @temporalio/proto classes use protobufjs 7. These files use protobufjs's own object form instead.

/** Writes a history as JSON, with 64-bit numbers as strings and bytes as base64. */
export function saveHistory(name: string, history: History): void {
  const message = temporal.api.history.v1.History.fromObject(history);
  const json = temporal.api.history.v1.History.toObject(message, { longs: String, enums: String, bytes: String });
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
}

/** Reads a history that `saveHistory` wrote. */
export function loadHistory(file: string): History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(file, 'utf8')));
}
