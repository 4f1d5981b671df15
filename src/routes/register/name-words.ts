/**
 * Similar-name search matches the query word by word (register_name_words, NAME_WORDS in the
 * register schema). Legal forms and connectives are in nearly every name, so a condition on them
 * would read the whole register and match nothing in particular: the query drops them, and they
 * are never offered as the near spelling of another word.
 */
export const NAME_STOP_WORDS = ["limited", "ltd", "plc", "llp", "lp", "cic", "company", "co", "the", "and", "of"];

/** The most distinct words a similar-name query may have (each is one index condition). */
export const MAX_NAME_WORDS = 8;

/** How many near spellings of each query word count (nearest first). */
export const NEAR_SPELLINGS = 16;

/** The distinct words of a query as NAME_WORDS splits names (letters and digits), stop words dropped. */
export function queryWords(name: string): string[] {
  const words = name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !NAME_STOP_WORDS.includes(word));
  return [...new Set(words)];
}
