import type { Connection } from '@temporalio/client';

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];

/** Values of Temporal's `IndexedValueType` enum (temporal/api/enums/v1/common.proto), by the names the CLI uses. */
const INDEXED_VALUE_TYPES: Record<string, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/**
 * Registers the `Name=Type` search attributes that the namespace lacks and returns their names.
 * `temporal server start-dev --search-attribute` only registers them when it creates its database
 * (checked with CLI 1.5.1), so a dev database made before an attribute was added needs this call.
 */
export async function registerMissingSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  flags: string[],
): Promise<string[]> {
  if (flags.length === 0) {
    return [];
  }
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, IndexedValueType> = {};
  for (const flag of flags) {
    const [name, type] = flag.split('=');
    if (INDEXED_VALUE_TYPES[type] === undefined) {
      throw new Error(`Search attribute ${flag} has an unknown type; use one of ${Object.keys(INDEXED_VALUE_TYPES).join(', ')}.`);
    }
    if (!customAttributes || !(name in customAttributes)) {
      missing[name] = INDEXED_VALUE_TYPES[type] as IndexedValueType;
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return Object.keys(missing);
}
