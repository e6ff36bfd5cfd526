//! Readers' searches: what they type becomes a query, never a syntax error.

use std::ops::Bound;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{DocId, Score, SegmentReader, TantivyDocument, Term};
use time::OffsetDateTime;

use crate::index::{stored_i64, stored_text, stored_texts};
use crate::{SearchIndex, SearchResult};

/// The longest query read; the rest is ignored.
const MAX_QUERY_CHARS: usize = 200;
/// The most words and phrases a query may combine.
const MAX_CLAUSES: usize = 12;

/// What a reader asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words typed; `"..."` marks a phrase.
    pub text: String,
    /// Only this section (slug).
    pub section: Option<String>,
    /// Only this author (slug).
    pub author: Option<String>,
    /// Only this tag (slug).
    pub tag: Option<String>,
    /// Published at or after.
    pub from: Option<OffsetDateTime>,
    /// Published before.
    pub until: Option<OffsetDateTime>,
    /// 1-based page.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
}

/// One result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// The article's id.
    pub id: String,
    /// Where it is.
    pub url: String,
    /// Headline as text.
    pub headline: String,
    /// Headline as HTML with the matched words in `<mark>`.
    pub headline_html: String,
    /// A passage of the body with the matched words in `<mark>` (escaped HTML).
    pub snippet_html: String,
    /// Section slug.
    pub section: String,
    /// Section name.
    pub section_name: String,
    /// Author slugs.
    pub authors: Vec<String>,
    /// Publication time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    /// Relevance blended with freshness.
    pub score: f32,
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    /// Matching articles in all.
    pub total: usize,
    /// This page's results, best first.
    pub hits: Vec<SearchHit>,
    /// Words that matched nothing and were read as the nearest word the
    /// archive has: (typed, used).
    pub corrections: Vec<(String, String)>,
    /// No article has every word, so these results have some of them.
    pub partial: bool,
}

/// A word or phrase of the query, as index terms.
enum Clause {
    Word(String),
    Phrase(Vec<String>),
}

impl SearchIndex {
    /// Runs a reader's search. Whatever the query holds, the answer is a
    /// (possibly empty) page of results.
    pub fn search(&self, request: &SearchQuery) -> SearchResult<SearchResults> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text: String = request.text.chars().take(MAX_QUERY_CHARS).collect();
        let mut clauses = self.clauses(&text)?;
        clauses.truncate(MAX_CLAUSES);
        let mut corrections = Vec::new();
        for clause in &mut clauses {
            if let Clause::Word(word) = clause
                && self.document_frequency(word)? == 0
                && let Some(better) = self.nearest_word(word)?
            {
                corrections.push((word.clone(), better.clone()));
                *word = better;
            }
        }
        let filters = self.filters(request);
        if clauses.is_empty() && filters.is_empty() {
            return Ok(SearchResults::default());
        }
        let words: Vec<Box<dyn Query>> = clauses.iter().map(|c| self.clause_query(c)).collect();
        let per_page = request.per_page.clamp(1, 100) as usize;
        let offset = (request.page.max(1) as usize - 1).saturating_mul(per_page).min(10_000);
        let build = |occur: Occur| -> Box<dyn Query> {
            let mut all: Vec<(Occur, Box<dyn Query>)> = words.iter().map(|q| (occur, q.box_clone())).collect();
            if all.is_empty() {
                all.push((Occur::Must, Box::new(AllQuery)));
            }
            for filter in &filters {
                all.push((Occur::Must, filter.box_clone()));
            }
            Box::new(BooleanQuery::new(all))
        };
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let collector = || {
            TopDocs::with_limit(per_page).and_offset(offset).tweak_score(move |segment: &SegmentReader| {
                let published = segment.fast_fields().i64("published").ok().map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    let at = published.as_ref().map_or(0, |c| c.get_val(doc));
                    freshness(score, now, at)
                }
            })
        };
        let mut query = build(Occur::Must);
        let (mut top, mut total) = searcher.search(&*query, &(collector(), Count))?;
        let mut partial = false;
        if total == 0 && words.len() > 1 {
            query = build(Occur::Should);
            (top, total) = searcher.search(&*query, &(collector(), Count))?;
            partial = total > 0;
        }
        let highlight: Box<dyn Query> = Box::new(BooleanQuery::new(
            words.iter().map(|q| (Occur::Should, q.box_clone())).collect::<Vec<(Occur, Box<dyn Query>)>>(),
        ));
        let mut body_snippets = SnippetGenerator::create(&searcher, &*highlight, f.body)?;
        body_snippets.set_max_num_chars(240);
        let mut headline_snippets = SnippetGenerator::create(&searcher, &*highlight, f.headline)?;
        headline_snippets.set_max_num_chars(400);
        let mut hits = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let headline = stored_text(&doc, f.headline).unwrap_or_default();
            let headline_snippet = headline_snippets.snippet_from_doc(&doc);
            let headline_html =
                if headline_snippet.highlighted().is_empty() { escape(&headline) } else { marked(&headline_snippet) };
            let body_snippet = body_snippets.snippet_from_doc(&doc);
            let snippet_html = if body_snippet.highlighted().is_empty() {
                escape(&stored_text(&doc, f.standfirst).unwrap_or_default())
            } else {
                marked(&body_snippet)
            };
            let published = stored_i64(&doc, f.published).filter(|t| *t > 0);
            hits.push(SearchHit {
                id: stored_text(&doc, f.id).unwrap_or_default(),
                url: stored_text(&doc, f.url).unwrap_or_default(),
                headline,
                headline_html,
                snippet_html,
                section: stored_text(&doc, f.section).unwrap_or_default(),
                section_name: stored_text(&doc, f.section_name).unwrap_or_default(),
                authors: stored_texts(&doc, f.author),
                published_at: published.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()),
                score,
            });
        }
        Ok(SearchResults { total, hits, corrections, partial })
    }

    /// The words and quoted phrases of `text`, as the index spells them.
    fn clauses(&self, text: &str) -> SearchResult<Vec<Clause>> {
        let mut clauses = Vec::new();
        for (i, part) in text.split(['"', '\u{201c}', '\u{201d}']).enumerate() {
            let words = self.index_words(part)?;
            if i % 2 == 1 && words.len() > 1 {
                clauses.push(Clause::Phrase(words));
            } else {
                for word in words {
                    if !clauses.iter().any(|c| matches!(c, Clause::Word(w) if *w == word)) {
                        clauses.push(Clause::Word(word));
                    }
                }
            }
        }
        Ok(clauses)
    }

    fn index_words(&self, text: &str) -> SearchResult<Vec<String>> {
        let mut analyzer = self.index.tokenizer_for_field(self.fields.body)?;
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        Ok(words)
    }

    fn document_frequency(&self, word: &str) -> SearchResult<u64> {
        let searcher = self.reader.searcher();
        let f = self.fields;
        let mut total = 0;
        for field in [f.headline, f.standfirst, f.body] {
            total += searcher.doc_freq(&Term::from_field_text(field, word))?;
        }
        Ok(total)
    }

    /// The word of the archive nearest to a word it does not have: within one
    /// edit (two for long words), starting the same way, the most common such
    /// word. Words sharing the first two letters are tried first (most typos
    /// come later in a word, and that range is small), then the first letter.
    fn nearest_word(&self, word: &str) -> SearchResult<Option<String>> {
        let length = word.chars().count();
        if length < 4 {
            return Ok(None);
        }
        let two: String = word.chars().take(2).collect();
        if let Some(found) = self.nearest_with_prefix(word, &two)? {
            return Ok(Some(found));
        }
        let one: String = word.chars().take(1).collect();
        self.nearest_with_prefix(word, &one)
    }

    fn nearest_with_prefix(&self, word: &str, prefix: &str) -> SearchResult<Option<String>> {
        let length = word.chars().count();
        let limit = if length >= 8 { 2 } else { 1 };
        // The end of the prefix range: the prefix with its last character bumped.
        let mut upper: Vec<char> = prefix.chars().collect();
        let Some(last) = upper.pop() else { return Ok(None) };
        upper.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
        let upper: String = upper.into_iter().collect();
        let searcher = self.reader.searcher();
        let mut best: Option<(usize, u32, String)> = None;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.body)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(upper.as_bytes())
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else { continue };
                if candidate.chars().count().abs_diff(length) > limit {
                    continue;
                }
                let distance = edit_distance(word, candidate);
                if distance == 0 || distance > limit {
                    continue;
                }
                let frequency = stream.value().doc_freq;
                let better =
                    best.as_ref().is_none_or(|(d, n, _)| (distance, u32::MAX - frequency) < (*d, u32::MAX - *n));
                if better {
                    best = Some((distance, frequency, candidate.to_owned()));
                }
            }
        }
        Ok(best.map(|(_, _, w)| w))
    }

    fn clause_query(&self, clause: &Clause) -> Box<dyn Query> {
        let f = self.fields;
        let fields: [(Field, f32); 3] = [(f.headline, 3.0), (f.standfirst, 1.5), (f.body, 1.0)];
        let per_field = fields
            .iter()
            .map(|&(field, boost)| {
                let query: Box<dyn Query> = match clause {
                    Clause::Word(word) => Box::new(TermQuery::new(
                        Term::from_field_text(field, word),
                        IndexRecordOption::WithFreqsAndPositions,
                    )),
                    Clause::Phrase(words) => {
                        Box::new(PhraseQuery::new(words.iter().map(|w| Term::from_field_text(field, w)).collect()))
                    }
                };
                (Occur::Should, Box::new(BoostQuery::new(query, boost)) as Box<dyn Query>)
            })
            .collect::<Vec<_>>();
        Box::new(BooleanQuery::new(per_field))
    }

    fn filters(&self, request: &SearchQuery) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        for (field, value) in [(f.section, &request.section), (f.author, &request.author), (f.tag, &request.tag)] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                filters.push(Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic)));
            }
        }
        if request.from.is_some() || request.until.is_some() {
            let bound = |t: Option<OffsetDateTime>, inclusive: bool| match t {
                Some(t) if inclusive => Bound::Included(Term::from_field_i64(f.published, t.unix_timestamp())),
                Some(t) => Bound::Excluded(Term::from_field_i64(f.published, t.unix_timestamp())),
                None => Bound::Unbounded,
            };
            filters.push(Box::new(RangeQuery::new(bound(request.from, true), bound(request.until, false))));
        }
        filters
    }
}

/// Relevance with a lift for recent stories: up to a third more for today's
/// news, fading over a month or so.
fn freshness(score: Score, now: i64, published: i64) -> Score {
    if published <= 0 {
        return score;
    }
    let age_days = ((now - published).max(0) as f32) / 86_400.0;
    score * (1.0 + 0.33 / (1.0 + age_days / 30.0))
}

/// The snippet as HTML: its text escaped, the matched words in `<mark>`,
/// starting at a whole word and with an ellipsis where it cuts the text.
fn marked(snippet: &Snippet) -> String {
    let fragment = snippet.fragment();
    // A fragment can begin with the end of a word ("s appeal" after "Zelensky’s").
    let mut at = match fragment.split_once(' ') {
        Some((first, _)) if first.chars().count() == 1 && first.chars().all(char::is_lowercase) => first.len() + 1,
        _ => 0,
    };
    if snippet.highlighted().iter().any(|range| range.start < at) {
        at = 0;
    }
    let mut html = String::from("\u{2026}");
    if at == 0 && fragment.chars().next().is_some_and(char::is_uppercase) {
        html.clear();
    }
    for range in snippet.highlighted() {
        if range.start < at || range.end > fragment.len() {
            continue;
        }
        html.push_str(&escape(&fragment[at..range.start]));
        html.push_str("<mark>");
        html.push_str(&escape(&fragment[range.start..range.end]));
        html.push_str("</mark>");
        at = range.end;
    }
    html.push_str(&escape(&fragment[at..]));
    if !fragment.trim_end().ends_with(['.', '!', '?', '"', '\u{201d}']) {
        html.push('\u{2026}');
    }
    html
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    masthead_markup::push_escaped_html(&mut out, text);
    out
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::IndexedArticle;

    fn article(id: &str, headline: &str, body: &str, section: &str, days_ago: i64) -> IndexedArticle {
        IndexedArticle {
            id: id.into(),
            url: format!("/{section}/{id}"),
            headline: headline.into(),
            standfirst: String::new(),
            body: body.into(),
            section: section.into(),
            section_name: section.into(),
            authors: vec!["jane-doe".into()],
            tags: vec!["ukraine".into()],
            published_at: Some(OffsetDateTime::now_utc() - time::Duration::days(days_ago)),
            entities: vec![],
            links: vec![],
            version: 1,
        }
    }

    #[test]
    fn the_index_knows_the_version_it_holds_of_each_article() {
        let index = SearchIndex::in_memory().unwrap();
        let mut first = article("a", "Talks resume", "Words.", "world", 1);
        first.version = 3;
        index.put(&first).unwrap();
        index.put(&article("b", "Rates held", "Words.", "business", 2)).unwrap();
        index.commit().unwrap();
        first.version = 7;
        index.put(&first).unwrap();
        index.remove("b");
        index.commit().unwrap();
        let versions = index.versions().unwrap();
        assert_eq!(versions, std::collections::HashMap::from([("a".to_owned(), 7)]));
    }

    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        index
            .put(&article(
                "ceasefire",
                "US Doubtful on Ukraine Ceasefire",
                "Blinken spoke at the World Economic Forum in Davos about a ceasefire.",
                "world",
                3,
            ))
            .unwrap();
        index
            .put(&article("rates", "Central Banks Hold Rates", "Inflation is easing, the bank said.", "business", 1))
            .unwrap();
        index
            .put(&article(
                "grain",
                "Grain Exports Recover",
                "Ships leave Odesa with grain despite the war.",
                "world",
                10,
            ))
            .unwrap();
        index.commit().unwrap();
        index
    }

    fn ids(results: &SearchResults) -> Vec<&str> {
        results.hits.iter().map(|h| h.id.as_str()).collect()
    }

    fn search(index: &SearchIndex, text: &str) -> SearchResults {
        index.search(&SearchQuery { text: text.into(), page: 1, per_page: 10, ..SearchQuery::default() }).unwrap()
    }

    #[test]
    fn words_match_across_fields_with_highlights() {
        let results = search(&index(), "Blinken Davos");
        assert_eq!(ids(&results), ["ceasefire"]);
        assert!(results.hits[0].snippet_html.contains("<mark>Blinken</mark>"), "{}", results.hits[0].snippet_html);
    }

    #[test]
    fn a_typo_finds_the_nearest_word() {
        let results = search(&index(), "ceasfire");
        assert_eq!(ids(&results), ["ceasefire"]);
        assert_eq!(results.corrections.len(), 1);
    }

    #[test]
    fn phrases_need_their_words_in_order() {
        assert_eq!(ids(&search(&index(), "\"economic forum\"")), ["ceasefire"]);
        assert!(search(&index(), "\"forum economic\"").hits.is_empty());
    }

    #[test]
    fn filters_narrow_the_results() {
        let index = index();
        let query = SearchQuery {
            text: String::new(),
            section: Some("world".into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        let results = index.search(&query).unwrap();
        assert_eq!(results.total, 2);
        let since = OffsetDateTime::now_utc() - time::Duration::days(5);
        let query = SearchQuery { from: Some(since), ..query };
        assert_eq!(ids(&index.search(&query).unwrap()), ["ceasefire"]);
    }

    #[test]
    fn hostile_queries_give_results_not_errors() {
        let index = index();
        for text in [
            "\"",
            "\"\"\"",
            "AND OR NOT",
            "title:(",
            "*",
            "<script>alert(1)</script>",
            "ü\u{0}\u{ffff}",
            &"a ".repeat(5000),
        ] {
            let results = search(&index, text);
            for hit in &results.hits {
                assert!(!hit.snippet_html.contains("<script"));
            }
        }
    }

    #[test]
    fn related_stories_rank_by_shared_words() {
        let index = index();
        index
            .put(&article(
                "ceasefire-2",
                "Ceasefire Talks Stall in Davos",
                "Blinken and Ukraine ceasefire hopes fade.",
                "world",
                2,
            ))
            .unwrap();
        index.commit().unwrap();
        let related = index.related("ceasefire", 2).unwrap();
        assert_eq!(related[0].id, "ceasefire-2");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("ceasefire", "ceasfire"), 1);
        assert_eq!(edit_distance("kyiv", "kiyv"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
