//! Plain articles (`.txt`, `.md`): the one place that turns a file into an article's
//! title and text, for `marginalia add`, `import --format txt|md` and the window.

use std::path::{Path, PathBuf};

/// An article read from disk, ready to become a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// Title: the first non-empty line (without Markdown `#`), or the file name.
    pub title: String,
    /// The text, BOM removed, line endings as they were (offsets count them).
    pub text: String,
}

/// Why a file is not an article.
#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Neither `.txt` nor `.md`.
    #[error("{}: only .txt and .md articles can be added", path.display())]
    NotAnArticle { path: PathBuf },
    /// Not UTF-8; the offset counts the file's bytes, BOM included.
    #[error("{} is not UTF-8 text: invalid byte at offset {offset}", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    /// Nothing but white space.
    #[error("{} is empty", path.display())]
    Empty { path: PathBuf },
}

impl ArticleError {
    /// What is wrong, without the file's name (for lists that name the file already).
    pub fn reason(&self) -> String {
        match self {
            ArticleError::Read { source, .. } => format!("cannot read it: {source}"),
            ArticleError::NotAnArticle { .. } => "only .txt and .md articles can be added".into(),
            ArticleError::NotUtf8 { offset, .. } => {
                format!("not UTF-8 text (invalid byte at offset {offset})")
            }
            ArticleError::Empty { .. } => "it is empty".into(),
        }
    }
}

/// Reads a `.txt` or `.md` article: UTF-8 required, BOM removed, line endings kept.
pub fn read_article(path: &Path) -> Result<Article, ArticleError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if extension != "txt" && extension != "md" {
        return Err(ArticleError::NotAnArticle {
            path: path.to_path_buf(),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ArticleError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let bom_len = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let text = std::str::from_utf8(&bytes[bom_len..]).map_err(|error| ArticleError::NotUtf8 {
        path: path.to_path_buf(),
        offset: bom_len + error.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(ArticleError::Empty {
            path: path.to_path_buf(),
        });
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Article {
        title: title_of(text, extension == "md").unwrap_or(stem),
        text: text.to_owned(),
    })
}

/// An article from pasted text: the title is its first non-empty line.
pub fn article_from_text(text: String) -> Option<Article> {
    let title = title_of(&text, false)?;
    Some(Article { title, text })
}

/// The title of an article: its first non-empty line (without Markdown `#`), at most
/// 120 characters.
pub fn title_of(text: &str, markdown: bool) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = if markdown {
        line.trim_start_matches('#').trim()
    } else {
        line
    };
    let mut title: String = line.chars().take(120).collect();
    if line.chars().count() > 120 {
        title.push('…');
    }
    Some(title)
}
