//! `masthead analyze` and `masthead evaluate`: the server's analysis and
//! related-story ranking run over plain-text files.
//!
//! The files go into an in-memory search index exactly as a site's
//! articles go into its index, so `related` is ranked by the same code the
//! article pages use.

use std::path::{Path, PathBuf};

use masthead_intelligence::evaluation::{Case, Gold, Scores, evaluate};
use masthead_intelligence::{Analysis, Document, analyse};
use masthead_search::{IndexedArticle, SearchIndex};
use serde::Serialize;

/// One file's analysis, as `masthead analyze` prints it.
#[derive(Debug, Serialize)]
pub struct FileAnalysis {
    /// The file's stem.
    pub id: String,
    /// People, organisations and places (most salient first), and quotations.
    #[serde(flatten)]
    pub analysis: Analysis,
    /// The other files' ids, most related first.
    pub related: Vec<String>,
}

/// Why files could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A gold file is not valid.
    #[error("{path} is not a valid gold file: {message}")]
    BadGold {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The in-memory index failed.
    #[error(transparent)]
    Search(#[from] masthead_search::SearchError),
}

/// Reads `paths` and analyses each, relating every file to the others when `relate` is set.
pub fn analyse_paths(paths: &[PathBuf], relate: bool) -> Result<Vec<FileAnalysis>, AnalysisError> {
    let mut files = Vec::new();
    for path in paths {
        let text =
            std::fs::read_to_string(path).map_err(|source| AnalysisError::Unreadable { path: path.clone(), source })?;
        files.push((file_id(path), text));
    }
    if !relate {
        return Ok(files
            .iter()
            .map(|(id, text)| FileAnalysis {
                id: id.clone(),
                analysis: analyse(&Document::from_plain_text(text)),
                related: Vec::new(),
            })
            .collect());
    }
    analyse_texts(&files)
}

/// A file's id: its name without the extension.
pub fn file_id(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Analyses `(id, text)` pairs in the plain-text article format.
pub fn analyse_texts(files: &[(String, String)]) -> Result<Vec<FileAnalysis>, AnalysisError> {
    let index = SearchIndex::in_memory()?;
    let documents: Vec<Document> = files.iter().map(|(_, text)| Document::from_plain_text(text)).collect();
    let mut analysed: Vec<(String, Analysis)> = Vec::with_capacity(files.len());
    for ((id, _), document) in files.iter().zip(&documents) {
        let analysis = analyse(document);
        let links = read_also_links(document, files, &documents);
        index.put(&IndexedArticle::from_document(id, document, &analysis, links))?;
        analysed.push((id.clone(), analysis));
    }
    index.commit()?;
    let others = files.len().saturating_sub(1);
    analysed
        .into_iter()
        .map(|(id, analysis)| {
            let mut related: Vec<String> = index.related(&id, others)?.into_iter().map(|story| story.id).collect();
            // Files that share nothing with this one still belong in the list, last, in the order given.
            for (other, _) in files {
                if *other != id && !related.contains(other) {
                    related.push(other.clone());
                }
            }
            Ok(FileAnalysis { id, analysis, related })
        })
        .collect()
}

/// Scores the labelled articles in `dir` (each `NAME.txt` with its `NAME.gold.json`).
pub fn evaluate_dir(dir: &Path) -> Result<Scores, AnalysisError> {
    let unreadable = |source| AnalysisError::Unreadable { path: dir.to_owned(), source };
    let mut texts = Vec::new();
    let mut golds = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    for path in entries {
        let gold_path = path.with_extension("gold.json");
        let gold_text = std::fs::read_to_string(&gold_path)
            .map_err(|source| AnalysisError::Unreadable { path: gold_path.clone(), source })?;
        let gold: Gold = serde_json::from_str(&gold_text)
            .map_err(|e| AnalysisError::BadGold { path: gold_path.clone(), message: e.to_string() })?;
        let text = std::fs::read_to_string(&path)
            .map_err(|source| AnalysisError::Unreadable { path: path.clone(), source })?;
        texts.push((file_id(&path), text));
        golds.push(gold);
    }
    let analysed = analyse_texts(&texts)?;
    let cases: Vec<Case<'_>> = analysed
        .iter()
        .zip(&golds)
        .map(|(file, gold)| Case { id: &file.id, gold, analysis: &file.analysis, related: &file.related })
        .collect();
    Ok(evaluate(&cases))
}

/// The files a document links to with a "READ ALSO: <headline>" line.
fn read_also_links(document: &Document, files: &[(String, String)], documents: &[Document]) -> Vec<String> {
    let normalise = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    document
        .blocks
        .iter()
        .filter_map(|block| {
            let (label, headline) = block.text.split_once(':')?;
            label.trim().eq_ignore_ascii_case("read also").then(|| normalise(headline))
        })
        .filter_map(|headline| {
            documents
                .iter()
                .zip(files)
                .find(|(other, _)| normalise(&other.headline) == headline)
                .map(|(_, (id, _))| id.clone())
        })
        .collect()
}
