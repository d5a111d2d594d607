//! Located YAML/JSON values: serde_yaml (norway) parses values and `!Tags`; a key index finds each key's line:column.
//! Format-neutral on purpose: the SAM/CloudFormation and Serverless readers both navigate templates through [`Node`].

use std::collections::HashMap;

use serde_yaml::Value;

use crate::model::Location;

/// A parsed document: the value tree plus an index from key paths to source positions.
#[derive(Debug)]
pub(crate) struct Document {
    value: Value,
    index: KeyIndex,
}

/// A YAML syntax error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Where the parser stopped (1:1 when unknown).
    pub(crate) location: Location,
    /// The parser's message.
    pub(crate) message: String,
}

impl Document {
    /// Parses `source` (YAML 1.1/1.2 or JSON). Fails only on syntax errors.
    pub(crate) fn parse(source: &str) -> Result<Document, SyntaxError> {
        let value: Value = serde_yaml::from_str(source).map_err(|e| {
            let location = e
                .location()
                .map(|l| Location::new(to_u32(l.line()), to_u32(l.column())))
                .unwrap_or(Location::new(1, 1));
            SyntaxError { location, message: e.to_string() }
        })?;
        Ok(Document { value, index: KeyIndex::build(source) })
    }

    /// The document's root node (located at 1:1).
    pub(crate) fn root(&self) -> Node<'_> {
        Node { value: &self.value, doc: self, entry: ROOT, item: NO_ITEM, location: Location::new(1, 1) }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A value in a [`Document`] together with the best-known position of it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<'a> {
    /// The value (tags kept as [`Value::Tagged`]).
    pub(crate) value: &'a Value,
    doc: &'a Document,
    /// Index entry of the key holding this value (ROOT for the root, UNKNOWN when not indexed).
    entry: u32,
    /// Sequence item number inside `entry`, or NO_ITEM.
    item: u32,
    location: Location,
}

const ROOT: u32 = u32::MAX;
const UNKNOWN: u32 = u32::MAX - 1;
const NO_ITEM: u32 = u32::MAX;

impl<'a> Node<'a> {
    /// Where this value's key is (or the nearest located ancestor when the source layout defeats the index).
    pub(crate) fn location(&self) -> Location {
        self.location
    }

    /// The child under `key` when this is a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<Node<'a>> {
        let map = self.value.as_mapping()?;
        let (_, value) = map.iter().find(|(k, _)| key_matches(k, key))?;
        Some(self.child(key, value))
    }

    fn child(&self, key: &str, value: &'a Value) -> Node<'a> {
        let found = if self.entry == UNKNOWN { None } else { self.doc.index.find(self.entry, self.item, key) };
        match found {
            Some(entry) => Node {
                value,
                doc: self.doc,
                entry,
                item: NO_ITEM,
                location: self.doc.index.location(entry).unwrap_or(self.location),
            },
            None => Node { value, doc: self.doc, entry: UNKNOWN, item: NO_ITEM, location: self.location },
        }
    }

    /// The entries of a mapping, in document order, with keys as text (empty when not a mapping).
    pub(crate) fn entries(&self) -> Vec<(String, Node<'a>)> {
        let Some(map) = self.value.as_mapping() else { return Vec::new() };
        map.iter()
            .filter_map(|(k, v)| {
                let key = key_text(k)?;
                let node = self.child(&key, v);
                Some((key, node))
            })
            .collect()
    }

    /// The items of a sequence (empty when not a sequence).
    pub(crate) fn items(&self) -> Vec<Node<'a>> {
        let Some(seq) = self.value.as_sequence() else { return Vec::new() };
        seq.iter()
            .enumerate()
            .map(|(i, v)| {
                let item = u32::try_from(i).unwrap_or(NO_ITEM);
                let location = if self.entry == UNKNOWN {
                    self.location
                } else {
                    self.doc.index.item_location(self.entry, item).unwrap_or(self.location)
                };
                Node { value: v, doc: self.doc, entry: self.entry, item, location }
            })
            .collect()
    }

    /// The value of a `!Tag value` node with its tag name (without `!`).
    pub(crate) fn tagged(&self) -> Option<(String, Node<'a>)> {
        match self.value {
            Value::Tagged(t) => {
                let tag = tag_name(&t.tag);
                Some((tag, Node { value: &t.value, ..*self }))
            }
            _ => None,
        }
    }

    /// The text of a string, number or boolean scalar.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        scalar_text(self.value)
    }

    /// The string, when this is a string.
    pub(crate) fn as_str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// True for a mapping.
    pub(crate) fn is_mapping(&self) -> bool {
        self.value.is_mapping()
    }
}

fn tag_name(tag: &serde_yaml::value::Tag) -> String {
    let text = tag.to_string();
    text.strip_prefix('!').unwrap_or(&text).to_string()
}

/// The text of a scalar value (strings, numbers, booleans).
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn key_text(key: &Value) -> Option<String> {
    scalar_text(key).or_else(|| key.is_null().then(|| "null".to_string()))
}

fn key_matches(key: &Value, wanted: &str) -> bool {
    match key {
        Value::String(s) => s == wanted,
        other => scalar_text(other).is_some_and(|t| t == wanted),
    }
}

/// Positions of mapping keys, found by scanning the source line by line (block style and pretty-printed JSON).
#[derive(Debug, Default)]
struct KeyIndex {
    lookup: HashMap<(u32, u32, Box<str>), u32>,
    locations: Vec<Location>,
    items: HashMap<(u32, u32), Location>,
}

impl KeyIndex {
    fn find(&self, parent: u32, item: u32, key: &str) -> Option<u32> {
        self.lookup.get(&(parent, item, Box::from(key))).copied()
    }

    fn location(&self, entry: u32) -> Option<Location> {
        self.locations.get(entry as usize).copied()
    }

    fn item_location(&self, parent: u32, item: u32) -> Option<Location> {
        self.items.get(&(parent, item)).copied()
    }

    fn build(source: &str) -> KeyIndex {
        let mut index = KeyIndex::default();
        // Open keys: (column of the key, entry).
        let mut stack: Vec<(usize, u32)> = Vec::new();
        let mut current_item: HashMap<u32, u32> = HashMap::new();
        let mut block_scalar_above: Option<usize> = None;
        for (line_no, line) in source.lines().enumerate() {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let mut rest = &line[indent..];
            if rest.trim().is_empty() || rest.starts_with('#') {
                continue;
            }
            if let Some(limit) = block_scalar_above {
                if indent > limit {
                    continue;
                }
                block_scalar_above = None;
            }
            if indent == 0 && (rest.starts_with("---") || rest.starts_with("...")) {
                stack.clear();
                continue;
            }
            let mut col = indent;
            let mut dash_col = None;
            while rest == "-" || rest.starts_with("- ") {
                dash_col.get_or_insert(col);
                let after = &rest[1..];
                let trimmed = after.trim_start_matches(' ');
                col += 1 + after.len() - trimmed.len();
                rest = trimmed;
            }
            let key = parse_key(rest);
            let pop_col = if key.is_some() { col } else { dash_col.map_or(col, |d| d + 1) };
            while stack.last().is_some_and(|(c, _)| *c >= pop_col) {
                stack.pop();
            }
            let parent = stack.last().map_or(ROOT, |(_, e)| *e);
            let line_u = to_u32(line_no + 1);
            if let Some(d) = dash_col {
                let next = current_item.get(&parent).map_or(0, |i| i.saturating_add(1));
                current_item.insert(parent, next);
                let col_u = to_u32(line[..d].chars().count() + 1);
                index.items.entry((parent, next)).or_insert(Location::new(line_u, col_u));
            }
            let Some((key, value_part)) = key else { continue };
            let item = current_item.get(&parent).copied().unwrap_or(NO_ITEM);
            let entry = to_u32(index.locations.len());
            let column = to_u32(line[..col].chars().count() + 1);
            index.locations.push(Location::new(line_u, column));
            index.lookup.entry((parent, item, key.into_boxed_str())).or_insert(entry);
            let value_part = value_part.trim_start();
            let value_head = value_part.split(" #").next().unwrap_or("").trim_end();
            if value_head.starts_with('|') || value_head.starts_with('>') {
                block_scalar_above = Some(col);
            } else {
                stack.push((col, entry));
            }
        }
        index
    }
}

/// Splits `key: rest` into the key text and what follows the colon.
fn parse_key(text: &str) -> Option<(String, &str)> {
    let first = text.chars().next()?;
    if first == '"' || first == '\'' {
        let mut out = String::new();
        let mut chars = text.char_indices().skip(1).peekable();
        while let Some((i, c)) = chars.next() {
            if c == first {
                if first == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    out.push('\'');
                    chars.next();
                    continue;
                }
                let after = text[i + 1..].trim_start();
                return after.strip_prefix(':').map(|rest| (out, rest));
            }
            if c == '\\' && first == '"' {
                if let Some((_, n)) = chars.next() {
                    out.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                continue;
            }
            out.push(c);
        }
        return None;
    }
    if "{[!&*|>%@`#,?".contains(first) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') {
            let key = text[..i].trim_end();
            if key.contains(" #") {
                return None;
            }
            return Some((key.to_string(), &text[i + 1..]));
        }
        if bytes[i] == b'#' && i > 0 && bytes[i - 1] == b' ' {
            return None;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(doc: &Document, path: &[&str]) -> Location {
        let mut node = doc.root();
        for key in path {
            node = node.get(key).unwrap_or_else(|| panic!("no {key}"));
        }
        node.location()
    }

    #[test]
    fn block_style_keys_are_located() {
        let src = "A: 1\nResources:\n  Fn:\n    Type: X\n    Properties:\n      Code: |\n        Type: fake\n      Type: real\n";
        let doc = Document::parse(src).unwrap();
        assert_eq!(loc(&doc, &["Resources", "Fn"]), Location::new(3, 3));
        assert_eq!(loc(&doc, &["Resources", "Fn", "Type"]), Location::new(4, 5));
        assert_eq!(loc(&doc, &["Resources", "Fn", "Properties", "Type"]), Location::new(8, 7));
    }

    #[test]
    fn json_keys_are_located() {
        let src = "{\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"X\"\n    }\n  }\n}\n";
        let doc = Document::parse(src).unwrap();
        assert_eq!(loc(&doc, &["Resources", "Fn", "Type"]), Location::new(4, 7));
    }

    #[test]
    fn sequence_items_are_located() {
        let src = "L:\n  - Name: a\n    Value: 1\n  - Name: b\n    Value: 2\n";
        let doc = Document::parse(src).unwrap();
        let items = doc.root().get("L").unwrap().items();
        assert_eq!(items[1].location(), Location::new(4, 3));
        assert_eq!(items[1].get("Value").unwrap().location(), Location::new(5, 5));
    }

    #[test]
    fn tags_survive_and_syntax_errors_have_positions() {
        let doc = Document::parse("X: !Ref Y\n").unwrap();
        let (tag, inner) = doc.root().get("X").unwrap().tagged().unwrap();
        assert_eq!((tag.as_str(), inner.as_str()), ("Ref", Some("Y")));
        let err = Document::parse("a: 1\nb: [\n").unwrap_err();
        assert!(err.location.line >= 2, "{err:?}");
    }

    #[test]
    fn unindexed_layouts_fall_back_to_the_parent() {
        let doc = Document::parse("R: {A: {B: 1}}\n").unwrap();
        assert_eq!(loc(&doc, &["R", "A", "B"]), Location::new(1, 1));
    }
}
