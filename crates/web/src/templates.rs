//! The page templates: built into the binary, overridable from the data
//! directory. An override is read once, at start, and checked then, so a
//! broken template stops the start with a clear message instead of failing
//! readers' requests later.

use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Output, State};
use serde::Serialize;

/// Built-in templates: name and source.
const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("listing.html", include_str!("../templates/listing.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("partials/card.html", include_str!("../templates/partials/card.html")),
    ("partials/comment.html", include_str!("../templates/partials/comment.html")),
    ("admin/comments.html", include_str!("../templates/admin/comments.html")),
    ("admin/settings.html", include_str!("../templates/admin/settings.html")),
    ("admin/base.html", include_str!("../templates/admin/base.html")),
    ("admin/sign_in.html", include_str!("../templates/admin/sign_in.html")),
    ("admin/articles.html", include_str!("../templates/admin/articles.html")),
    ("admin/editor.html", include_str!("../templates/admin/editor.html")),
    ("admin/revisions.html", include_str!("../templates/admin/revisions.html")),
    ("admin/images.html", include_str!("../templates/admin/images.html")),
    ("admin/image.html", include_str!("../templates/admin/image.html")),
    ("admin/users.html", include_str!("../templates/admin/users.html")),
    ("admin/account.html", include_str!("../templates/admin/account.html")),
];

/// A template that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// An override file could not be read.
    #[error("cannot read template override {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template does not compile.
    #[error("template {name} is invalid: {source}")]
    Invalid {
        /// Template name.
        name: String,
        /// What minijinja reported, with the line.
        source: minijinja::Error,
    },
}

/// The compiled templates.
pub(crate) struct Templates(Environment<'static>);

impl Templates {
    /// Compiles the built-in templates, replacing each one that has a file of
    /// the same name under `overrides`.
    pub(crate) fn load(overrides: &Path) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(escape_html);
        for (name, source) in BUILT_IN {
            let path = overrides.join(name);
            let result = if path.is_file() {
                let text =
                    std::fs::read_to_string(&path).map_err(|source| TemplateError::Unreadable { path, source })?;
                tracing::info!(template = name, "using a template override");
                env.add_template_owned(*name, text)
            } else {
                env.add_template(name, source)
            };
            result.map_err(|source| TemplateError::Invalid { name: (*name).to_owned(), source })?;
        }
        Ok(Self(env))
    }

    /// Renders template `name` with `context`.
    pub(crate) fn render(&self, name: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
        self.0.get_template(name)?.render(context)
    }
}

/// Escapes the five characters that matter in HTML text and quoted
/// attributes. minijinja's default also escapes `/`, which makes every URL
/// in the page source read `&#x2f;` without making anything safer.
fn escape_html(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), minijinja::Error> {
    if state.auto_escape() != AutoEscape::Html || value.is_safe() || value.is_undefined() || value.is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len());
    masthead_markup::push_escaped_html(&mut escaped, &text);
    out.write_str(&escaped)
        .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write the page"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_templates_compile() {
        assert!(Templates::load(Path::new("/nonexistent")).is_ok());
    }

    #[test]
    fn a_broken_override_is_reported_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("home.html"), "{% if %}").unwrap();
        let err = Templates::load(dir.path()).err().unwrap().to_string();
        assert!(err.starts_with("template home.html is invalid"), "{err}");
    }

    #[test]
    fn values_are_escaped_except_slashes() {
        let mut env = Environment::new();
        env.set_formatter(escape_html);
        env.add_template("t.html", "<a href=\"{{ url }}\">{{ text }}</a>{{ missing }}").unwrap();
        let html = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! { url => "/world/a?x=1&y=\"2\"", text => "<script>'x'</script>" })
            .unwrap();
        assert_eq!(html, "<a href=\"/world/a?x=1&amp;y=&quot;2&quot;\">&lt;script&gt;&#39;x&#39;&lt;/script&gt;</a>");
    }

    #[test]
    fn an_override_replaces_the_built_in_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("error.html"), "custom {{ status }}").unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        assert_eq!(templates.render("error.html", minijinja::context! { status => 404 }).unwrap(), "custom 404");
    }
}
