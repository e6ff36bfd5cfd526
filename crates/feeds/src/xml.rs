//! A minimal XML writer: every text and attribute value goes through one
//! escaping function, so no feed is assembled from unescaped strings.

pub(crate) struct XmlWriter {
    out: String,
}

impl XmlWriter {
    pub(crate) fn new() -> Self {
        Self { out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n") }
    }

    /// `<name a="v" ...>`
    pub(crate) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start_tag(name, attributes);
        self.out.push('>');
    }

    /// `</name>`
    pub(crate) fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// `<name a="v" ... />`
    pub(crate) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.start_tag(name, attributes);
        self.out.push_str("/>");
    }

    /// `<name a="v">text</name>`
    pub(crate) fn text(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(name, attributes);
        escape_into(&mut self.out, text);
        self.close(name);
    }

    /// `<name a="v">text</name>` for an RSS element that holds plain text,
    /// written as the RSS Best Practices Profile asks: `&`, `<` and `>` as
    /// hexadecimal character references, which the widest range of readers
    /// show as the characters they are.
    pub(crate) fn plain_text(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(name, attributes);
        for c in text.chars() {
            match c {
                '&' => self.out.push_str("&#x26;"),
                '<' => self.out.push_str("&#x3C;"),
                '>' => self.out.push_str("&#x3E;"),
                c => escape_into(&mut self.out, c.encode_utf8(&mut [0; 4])),
            }
        }
        self.close(name);
    }

    /// `<name a="v">html</name>` for an element that holds HTML: `text` is
    /// plain text, made into HTML (escaped) and then escaped for XML, so a
    /// reader that renders the element shows exactly `text`.
    pub(crate) fn text_as_html(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        let mut html = String::with_capacity(text.len());
        masthead_markup::push_escaped_html(&mut html, text);
        self.text(name, attributes, &html);
    }

    pub(crate) fn newline(&mut self) {
        self.out.push('\n');
    }

    pub(crate) fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }

    fn start_tag(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
    }
}

/// Escapes markup characters and drops characters XML 1.0 forbids (most
/// control characters), which would make the whole document unreadable.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_and_forbidden_characters_dropped() {
        let mut xml = XmlWriter::new();
        xml.text("title", &[("href", "/a?b=1&c=\"2\"")], "Tom & <Jerry>\u{0}\u{1b}!");
        let out = xml.finish();
        assert!(
            out.ends_with("<title href=\"/a?b=1&amp;c=&quot;2&quot;\">Tom &amp; &lt;Jerry&gt;!</title>\n"),
            "{out}"
        );
    }
}
