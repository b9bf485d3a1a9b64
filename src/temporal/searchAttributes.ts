/**
 * Custom search attributes the post workflows set, as `Name=Type` for
 * `temporal server start-dev --search-attribute` and `temporal operator search-attribute create`.
 */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = [];
