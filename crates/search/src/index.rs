//! The tantivy index: its schema, writing, and related-story ranking.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::{IndexedArticle, SearchError, SearchResult};

/// Memory the writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 32 * 1024 * 1024;

/// The fields, looked up once.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub url: Field,
    pub headline: Field,
    pub standfirst: Field,
    pub body: Field,
    pub section: Field,
    pub section_name: Field,
    pub author: Field,
    pub tag: Field,
    pub entity: Field,
    pub entities: Field,
    pub link: Field,
    pub published: Field,
    pub version: Field,
}

fn schema() -> Schema {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    builder.add_text_field("id", STRING | STORED | FAST);
    builder.add_text_field("url", STORED);
    builder.add_text_field("headline", text.clone());
    builder.add_text_field("standfirst", text.clone());
    builder.add_text_field("body", text);
    builder.add_text_field("section", STRING | STORED);
    builder.add_text_field("section_name", STORED);
    builder.add_text_field("author", STRING | STORED);
    builder.add_text_field("tag", STRING | STORED);
    builder.add_text_field("entity", STRING);
    builder.add_text_field("entities", STORED);
    builder.add_text_field("link", STRING | STORED);
    builder.add_i64_field("published", INDEXED | FAST | STORED);
    builder.add_u64_field("version", FAST | STORED);
    builder.build()
}

impl Fields {
    fn of(schema: &Schema) -> Option<Self> {
        let field = |name: &str| schema.get_field(name).ok();
        Some(Self {
            id: field("id")?,
            url: field("url")?,
            headline: field("headline")?,
            standfirst: field("standfirst")?,
            body: field("body")?,
            section: field("section")?,
            section_name: field("section_name")?,
            author: field("author")?,
            tag: field("tag")?,
            entity: field("entity")?,
            entities: field("entities")?,
            link: field("link")?,
            published: field("published")?,
            version: field("version")?,
        })
    }
}

/// A search index, on disk or in memory.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
}

/// A story related to an article, with how strongly.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedStory {
    /// The related article's id.
    pub id: String,
    /// Its URL.
    pub url: String,
    /// Its headline.
    pub headline: String,
    /// The blended score (see [`masthead_intelligence::relatedness`]).
    pub score: f64,
}

impl SearchIndex {
    /// An index kept in memory, for one-off analysis.
    pub fn in_memory() -> SearchResult<Self> {
        Self::from_index(Index::create_in_ram(schema()))
    }

    /// Opens the index in `dir`, creating it when missing. A directory that
    /// holds no readable index of this schema (corrupt, or from another
    /// version) is emptied and a new index made. The flag says whether the
    /// index was new, and so must be filled from the database.
    pub fn open(dir: &Path) -> SearchResult<(Self, bool)> {
        let fail = |source| SearchError::Directory { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(fail)?;
        match Index::open_in_dir(dir).map_err(SearchError::from).and_then(Self::from_index) {
            Ok(index) => return Ok((index, false)),
            Err(error) => {
                let empty = std::fs::read_dir(dir).map_err(fail)?.next().is_none();
                if !empty {
                    tracing::warn!(%error, "the search index in {} is unreadable; rebuilding it", dir.display());
                }
            }
        }
        for entry in std::fs::read_dir(dir).map_err(fail)? {
            let path = entry.map_err(fail)?.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path).map_err(fail)?;
            } else {
                std::fs::remove_file(&path).map_err(fail)?;
            }
        }
        let index = Index::create_in_dir(dir, schema())?;
        Ok((Self::from_index(index)?, true))
    }

    fn from_index(index: Index) -> SearchResult<Self> {
        let Some(fields) = Fields::of(&index.schema()) else {
            return Err(SearchError::Index(tantivy::TantivyError::SchemaError("an older index layout".into())));
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields })
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves the writer usable: it keeps no
        // half-made state outside tantivy's own.
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an article, replacing any earlier version. Seen after [`Self::commit`].
    pub fn put(&self, article: &IndexedArticle) -> SearchResult<()> {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &article.id);
        doc.add_text(f.url, &article.url);
        doc.add_text(f.headline, &article.headline);
        doc.add_text(f.standfirst, &article.standfirst);
        doc.add_text(f.body, &article.body);
        doc.add_text(f.section, &article.section);
        doc.add_text(f.section_name, &article.section_name);
        for author in &article.authors {
            doc.add_text(f.author, author);
        }
        for tag in &article.tags {
            doc.add_text(f.tag, tag);
        }
        let mut stored = String::new();
        for (identity, salience) in &article.entities {
            doc.add_text(f.entity, identity);
            stored.push_str(&format!("{identity}\t{salience}\n"));
        }
        doc.add_text(f.entities, &stored);
        for link in &article.links {
            doc.add_text(f.link, link);
        }
        doc.add_i64(f.published, article.published_at.map_or(0, |t| t.unix_timestamp()));
        doc.add_u64(f.version, article.version);
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(f.id, &article.id));
        writer.add_document(doc)?;
        Ok(())
    }

    /// Removes an article. Seen after [`Self::commit`].
    pub fn remove(&self, id: &str) {
        self.writer().delete_term(Term::from_field_text(self.fields.id, id));
    }

    /// Removes every article. Seen after [`Self::commit`].
    pub fn clear(&self) -> SearchResult<()> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes so far durable and visible to searches.
    pub fn commit(&self) -> SearchResult<()> {
        self.writer().commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Articles in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every article in the index with the version it was indexed at (see
    /// [`IndexedArticle::version`]), read from the fast fields.
    pub fn versions(&self) -> SearchResult<HashMap<String, u64>> {
        let searcher = self.reader.searcher();
        let mut found = HashMap::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let Some(ids) = fast.str("id")? else { continue };
            let versions = fast.u64("version")?;
            // Term ordinals follow the dictionary's order, so one pass over it names them all.
            let mut names = Vec::with_capacity(ids.num_terms());
            let mut stream = ids.dictionary().stream().map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                let Some(ord) = ids.term_ords(doc).next() else { continue };
                let Some(name) = usize::try_from(ord).ok().and_then(|ord| names.get(ord)) else { continue };
                found.insert(name.clone(), versions.first(doc).unwrap_or(0));
            }
        }
        Ok(found)
    }

    /// Whether the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stories most related to the article `id`, best first.
    ///
    /// Text similarity comes from the index: the article's most telling
    /// words (weighted by tf-idf) and its entities make one query, whose
    /// BM25 scores are normalised to the best candidate. Each candidate's
    /// score is then blended with the entities both share, the section and
    /// the time between them ([`masthead_intelligence::relatedness`]).
    pub fn related(&self, id: &str, limit: usize) -> SearchResult<Vec<RelatedStory>> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let id_term = Term::from_field_text(f.id, id);
        let found = searcher.search(
            &TermQuery::new(id_term.clone(), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = found.first() else {
            return Ok(Vec::new());
        };
        let source: TantivyDocument = searcher.doc(*address)?;
        let text = format!(
            "{0}\n{0}\n{0}\n{1}\n{2}",
            stored_text(&source, f.headline).unwrap_or_default(),
            stored_text(&source, f.standfirst).unwrap_or_default(),
            stored_text(&source, f.body).unwrap_or_default()
        );
        let entities = stored_entities(&source, f.entities);
        let total = searcher.num_docs().max(1) as f64;
        let mut counts: HashMap<String, f64> = HashMap::new();
        let mut analyzer = self.index.tokenizer_for_field(f.body)?;
        let mut stream = analyzer.token_stream(&text);
        while stream.advance() {
            let token = &stream.token().text;
            if token.chars().count() >= 3 && !token.chars().all(|c| c.is_numeric()) {
                *counts.entry(token.clone()).or_default() += 1.0;
            }
        }
        let mut weighted: Vec<(String, f64)> = Vec::new();
        for (word, tf) in counts {
            let df = searcher.doc_freq(&Term::from_field_text(f.body, &word))? as f64;
            // Words in most articles ("said", "the") tell nothing.
            if df / total > 0.4 && total > 5.0 {
                continue;
            }
            let idf = (1.0 + total / df.max(1.0)).ln();
            weighted.push((word, (1.0 + tf.ln()) * idf));
        }
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        weighted.truncate(30);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (word, weight) in &weighted {
            let term = Term::from_field_text(f.body, word);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)), *weight as f32)),
            ));
        }
        for (identity, salience) in &entities {
            let term = Term::from_field_text(f.entity, identity);
            let boost = (2.0 + 10.0 * salience) as f32;
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), boost)),
            ));
        }
        // Articles it links to, and articles linking to it, are always candidates.
        let links = stored_texts(&source, f.link);
        for link in &links {
            let term = Term::from_field_text(f.id, link);
            clauses.push((Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        clauses.push((
            Occur::Should,
            Box::new(TermQuery::new(Term::from_field_text(f.link, id), IndexRecordOption::Basic)),
        ));
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        clauses.push((Occur::MustNot, Box::new(TermQuery::new(id_term, IndexRecordOption::Basic))));
        let query = BooleanQuery::new(clauses);
        let candidates = searcher.search(&query, &TopDocs::with_limit(limit.max(10) * 4).order_by_score())?;
        let best = candidates.first().map_or(1.0, |(score, _)| f64::from(*score).max(f64::EPSILON));
        let section = stored_text(&source, f.section).unwrap_or_default();
        let published = stored_i64(&source, f.published);
        let mut ranked = Vec::new();
        for (score, address) in candidates {
            let doc: TantivyDocument = searcher.doc(address)?;
            let other_section = stored_text(&doc, f.section).unwrap_or_default();
            let same_section = !section.is_empty() && other_section == section;
            let other_published = stored_i64(&doc, f.published);
            let age_days = match (published, other_published) {
                (Some(a), Some(b)) if a > 0 && b > 0 => Some((a - b) as f64 / 86_400.0),
                _ => None,
            };
            let shared = masthead_intelligence::shared_entities(&entities, &stored_entities(&doc, f.entities));
            let other_id = stored_text(&doc, f.id).unwrap_or_default();
            let link = if links.contains(&other_id) {
                masthead_intelligence::Link::ToCandidate
            } else if stored_texts(&doc, f.link).iter().any(|l| l == id) {
                masthead_intelligence::Link::FromCandidate
            } else {
                masthead_intelligence::Link::None
            };
            let text = (f64::from(score) / best).min(1.0);
            let blended = masthead_intelligence::relatedness(text, shared, same_section, age_days, link);
            ranked.push(RelatedStory {
                id: other_id,
                url: stored_text(&doc, f.url).unwrap_or_default(),
                headline: stored_text(&doc, f.headline).unwrap_or_default(),
                score: blended,
            });
        }
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        ranked.truncate(limit);
        Ok(ranked)
    }
}

pub(crate) fn stored_text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field).and_then(|v| v.as_str()).map(str::to_owned)
}

pub(crate) fn stored_texts(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field).filter_map(|v| v.as_str()).map(str::to_owned).collect()
}

pub(crate) fn stored_i64(doc: &TantivyDocument, field: Field) -> Option<i64> {
    doc.get_first(field).and_then(|v| v.as_i64())
}

fn stored_entities(doc: &TantivyDocument, field: Field) -> Vec<(String, f64)> {
    stored_text(doc, field)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (identity, salience) = line.split_once('\t')?;
            Some((identity.to_owned(), salience.parse().ok()?))
        })
        .collect()
}
