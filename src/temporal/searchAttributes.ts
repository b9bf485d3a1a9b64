import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { POST_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

export { POST_SEARCH_ATTRIBUTES };

/** The type names the Temporal CLI's `--search-attribute Name=Type` flag takes. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `IndexedValueType` numbers of temporal/api/enums/v1/common.proto, which the operator service takes. */
const INDEXED_VALUE_TYPES: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};
/**
 * Custom search attributes the post workflows set, as `Name=Type` for
 * `temporal server start-dev --search-attribute` and `temporal operator search-attribute create`.
 */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = Object.values(POST_SEARCH_ATTRIBUTES).map(
  (key) => `${key.name}=${CLI_TYPE_NAMES[key.type]}`,
);

/**
 * Registers the post workflows' search attributes on a namespace that lacks some of them, such as a
 * dev server database created before they existed. Returns the names it added. Self-hosted servers
 * only: Temporal Cloud registers attributes through its own console or `tcld`.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(POST_SEARCH_ATTRIBUTES).filter((key) => !known.has(key.name));
  if (missing.length === 0) {
    return [];
  }
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]])),
  });
  return missing.map((key) => key.name);
}
