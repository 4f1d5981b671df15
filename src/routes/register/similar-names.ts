import { type SQL, sql } from "drizzle-orm";
import { NAME_TOKENS } from "../../db/schema";
import { textArray } from "../../db/sql-arrays";
import { NAME_STOP_WORDS, NEAR_SPELLINGS } from "./name-words";

export interface SimilarNamesQuery {
  /** The query, lower-cased: what each name's trigram distance is measured to. */
  name: string;
  /** Its distinct words, stop words dropped (queryWords). */
  words: string[];
  /** The select list; it names `distance` (the trigram distance to `name`) and `lname`. */
  columns: SQL;
  /** The other filters and the page's cursor, ANDed; `true` for none. */
  where: SQL;
  /** How many rows the page wants (its limit and one more, to know there is a next page). */
  rows: number;
}

/**
 * Similar names, best whole-name trigram similarity first, without ranking every candidate: a
 * query of one common word ("software") has tens of thousands of names with it, and ranking them
 * all took over half a second at 1,000,000 rows.
 *
 * A name of N distinct trigrams is at best min(N, Q) / max(N, Q) similar to a query of Q, so
 * the names are visited by N, one bucket at a time, best bound first (`buckets`: only the N that
 * some name with a spelling of every query word has, from register_name_words). The walk stops
 * once it holds `rows` names better than the next bucket's bound: no unvisited name can come
 * before them; the page is the best `rows` of what it holds. Each bucket's names are found through
 * the GIN index on NAME_TOKENS (a name's words with its N), one condition per query word.
 */
export function similarNamesStatement({ name, words, columns, where, rows }: SimilarNamesQuery): SQL {
  const distance = sql`(name_key <-> ${name})`;
  // Every query word, or one of its near spellings, in a name of the walk's next bucket.
  const hasEveryWord = sql.join(
    words.map(
      (_, i) => sql`${NAME_TOKENS} && array(select s.word || '@' || b.trigrams
        from buckets b, near s where s.i = ${i + 1} and b.pos = w.hi)`,
    ),
    sql` and `,
  );
  return sql`with recursive
    near as materialized (
      select q.i, n.word, n.trigram_counts
        from unnest(${textArray(words)}) with ordinality q(w, i)
        cross join lateral (select word, trigram_counts from register_name_words
          where word % q.w and word <> all(${textArray(NAME_STOP_WORDS)})
          order by word <-> q.w limit ${NEAR_SPELLINGS}) n
    ),
    buckets as materialized (
      select trigrams, lb, (row_number() over (order by lb, trigrams))::int - 1 as pos from (
        select c.trigrams, 1 - least(c.trigrams, q.n)::real / greatest(c.trigrams, q.n) as lb
          from (select t as trigrams from near, unnest(trigram_counts) t
                 group by t having count(distinct i) = ${words.length}) c,
               (select cardinality(show_trgm(${name})) as n) q
      ) bounded
    ),
    -- Each step adds one bucket's matching names (their rank keys) to what the walk holds.
    walk(hi, distances, lnames, numbers) as (
      select 0, '{}'::real[], '{}'::text[], '{}'::text[]
      union all
      select w.hi + 1, w.distances || v.distances, w.lnames || v.lnames, w.numbers || v.numbers
        from walk w
        cross join lateral (
          select array_agg(${distance}) as distances, array_agg(name_key) as lnames,
                 array_agg(company_number) as numbers
            from register_companies where ${where} and ${hasEveryWord}
        ) v
       where w.hi < (select count(*) from buckets)
         -- Stop once enough visited names beat every unvisited bucket's bound (a margin below it
         -- for rounding: a name exactly at the bound may tie with an unvisited one).
         and (select count(*) from unnest(w.distances) d
               where d < (select lb from buckets where pos = w.hi) - 1e-6) < ${rows}
    ),
    page as (
      select held.company_number from (select * from walk order by hi desc limit 1) last,
        unnest(last.distances, last.lnames, last.numbers) held(distance, lname, company_number)
       order by held.distance, held.lname collate "C", held.company_number limit ${rows}
    )
    select ${columns} from register_companies where company_number in (select company_number from page)
     order by distance, lname, company_number`;
}
