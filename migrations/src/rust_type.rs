//! What a field's Rust type says about the column it can map: nullability
//! (`Option`) and which SQLite types it can be read from (the type table).

use crate::schema::{Affinity, Column};

/// The kinds of Rust type the check knows; anything else is [`RustKind::Unknown`]
/// and is not type-checked (a user's newtype or enum may implement `FromSql` any way it likes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RustKind {
    /// `i8`..`i64`, `u8`..`u64`, `isize`, `usize` (`u64` and `usize` fail
    /// at run time on values above `i64::MAX`).
    Integer,
    /// `bool`.
    Bool,
    /// `f32`, `f64`.
    Float,
    /// `String`, `Box<str>`, `Cow<str>`, `Rc<str>`, `Arc<str>`.
    Text,
    /// `Vec<u8>`, `[u8; N]`, `Box<[u8]>`, `Cow<[u8]>`.
    Blob,
    /// chrono and time date/time types (stored as text).
    DateTime,
    /// `uuid::Uuid`: rusqlite and sqlx store it as 16 bytes, and read it only from those.
    Uuid,
    /// `serde_json::Value`, or any type under `#[model(json)]`.
    Json,
    /// Not known: passes every type check.
    Unknown,
    /// Known, but rusqlite cannot read it from a row; the text says what to use.
    Unsupported(&'static str),
}

impl RustKind {
    /// The column type to suggest in `ALTER TABLE ... ADD COLUMN`.
    pub fn sql_type(self) -> Option<&'static str> {
        Some(match self {
            RustKind::Integer => "INTEGER",
            RustKind::Bool => "BOOLEAN",
            RustKind::Float => "REAL",
            RustKind::Text => "TEXT",
            RustKind::Blob => "BLOB",
            RustKind::DateTime => "DATETIME",
            RustKind::Uuid => "BLOB",
            RustKind::Json => "JSON",
            RustKind::Unknown | RustKind::Unsupported(_) => return None,
        })
    }

    /// A constant default for a NOT NULL column of this kind.
    pub fn sql_default(self) -> Option<&'static str> {
        Some(match self {
            RustKind::Integer | RustKind::Bool => "0",
            RustKind::Float => "0.0",
            RustKind::Text => "''",
            RustKind::Blob => "x''",
            RustKind::DateTime => "'1970-01-01 00:00:00'",
            RustKind::Json => "'null'",
            RustKind::Uuid | RustKind::Unknown | RustKind::Unsupported(_) => return None,
        })
    }
}

/// A field's type, as far as the schema check cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldType {
    /// The type as written, normalized (`Option<Vec<u8>>`).
    pub written: String,
    /// The type inside `Option`, or the whole type (`Vec<u8>`).
    pub inner: String,
    /// Whether it is an `Option<T>`.
    pub optional: bool,
    /// What the inner type is.
    pub kind: RustKind,
}

impl FieldType {
    /// Reads a type as written in source (the tokens of `syn::Type`, spaced or not).
    ///
    /// ```
    /// use driftless_migrations::{FieldType, RustKind};
    /// let t = FieldType::parse("Option < chrono :: NaiveDateTime >");
    /// assert!(t.optional);
    /// assert_eq!(t.kind, RustKind::DateTime);
    /// assert_eq!(t.written, "Option<chrono::NaiveDateTime>");
    /// assert!(matches!(FieldType::parse("& 'a str").kind, RustKind::Unsupported(_)));
    /// assert_eq!(FieldType::parse("MyEnum").kind, RustKind::Unknown);
    /// ```
    pub fn parse(ty: &str) -> FieldType {
        let written = normalize(ty);
        let mut optional = false;
        let mut inner = written.clone();
        // Option<Option<T>> reads as Option<T>: SQL has one NULL
        while let Some((path, arg)) = split_generic(&inner)
            && is_path(path, &["Option"], &["std::option", "core::option"])
        {
            optional = true;
            inner = arg.to_string();
        }
        FieldType {
            kind: classify(&inner),
            written,
            inner,
            optional,
        }
    }

    /// The driftless feature without which rusqlite cannot convert the
    /// type: `chrono`, `time` or `uuid` (a `serde_json::Value` goes through
    /// driftless's own JSON code and needs none).
    ///
    /// ```
    /// use driftless_migrations::FieldType;
    /// assert_eq!(FieldType::parse("Option<chrono::NaiveDateTime>").feature(), Some("chrono"));
    /// assert_eq!(FieldType::parse("DateTime<Utc>").feature(), Some("chrono"));
    /// assert_eq!(FieldType::parse("time::OffsetDateTime").feature(), Some("time"));
    /// assert_eq!(FieldType::parse("uuid::Uuid").feature(), Some("uuid"));
    /// assert_eq!(FieldType::parse("String").feature(), None);
    /// ```
    pub fn feature(&self) -> Option<&'static str> {
        match self.kind {
            RustKind::Uuid => Some("uuid"),
            RustKind::DateTime if is_chrono(&self.inner) => Some("chrono"),
            RustKind::DateTime => Some("time"),
            _ => None,
        }
    }
}

/// chrono's date/time types; every other [`RustKind::DateTime`] is time's.
fn is_chrono(ty: &str) -> bool {
    let path = split_generic(ty).map_or(ty, |(path, _)| path);
    is_path(
        path,
        &["NaiveDate", "NaiveDateTime", "NaiveTime", "DateTime"],
        &["chrono", "chrono::naive"],
    )
}

/// Collapses the spaces `quote` puts between tokens, keeping one between words.
fn normalize(ty: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in ty.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && out.chars().last().is_some_and(is_word_char) && is_word_char(c) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\''
}

/// `Vec<u8>` → (`Vec`, `u8`).
fn split_generic(ty: &str) -> Option<(&str, &str)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?;
    Some((&ty[..open], &inner[open + 1..]))
}

/// Whether `path` names `name` bare or under one of the module prefixes.
fn is_path(path: &str, names: &[&str], modules: &[&str]) -> bool {
    let path = path.trim_start_matches("::");
    names.iter().any(|n| {
        path == *n
            || modules
                .iter()
                .any(|m| path.strip_prefix(m).and_then(|p| p.strip_prefix("::")) == Some(n))
    })
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn classify(ty: &str) -> RustKind {
    let ty = ty.trim();
    if ty.starts_with('&') {
        return RustKind::Unsupported(
            "a row is read into owned values, so a reference cannot be filled: use String or Vec<u8>",
        );
    }
    match ty {
        "char" => {
            return RustKind::Unsupported("rusqlite cannot read or write a char: use String");
        }
        "i128" | "u128" => {
            return RustKind::Unsupported(
                "SQLite integers have 64 bits and rusqlite stores 128-bit ones as BLOBs: use i64",
            );
        }
        _ => {}
    }
    if ty == "[u8]" || (ty.starts_with("[u8;") && ty.ends_with(']')) {
        return RustKind::Blob;
    }
    if let Some((path, args)) = split_generic(ty) {
        let arg = args.rsplit(',').next().unwrap_or(args).trim();
        return match (last_segment(path), arg) {
            ("Vec", "u8") => RustKind::Blob,
            ("Box" | "Rc" | "Arc" | "Cow", "str") => RustKind::Text,
            ("Box" | "Rc" | "Arc" | "Cow", "[u8]") => RustKind::Blob,
            ("DateTime", _) if is_path(path, &["DateTime"], &["chrono"]) => RustKind::DateTime,
            _ => RustKind::Unknown,
        };
    }
    match ty {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => return RustKind::Integer,
        "bool" => return RustKind::Bool,
        "f32" | "f64" => return RustKind::Float,
        "str" => return RustKind::Text,
        _ => {}
    }
    if is_path(ty, &["String"], &["std::string", "alloc::string"]) {
        return RustKind::Text;
    }
    // names only chrono and time use may stand bare; `Date` and `Time` could be
    // anyone's, so they need their crate's path
    let path = ty.trim_start_matches("::");
    if is_path(
        ty,
        &["NaiveDate", "NaiveDateTime", "NaiveTime"],
        &["chrono", "chrono::naive"],
    ) || is_path(
        ty,
        &["OffsetDateTime", "PrimitiveDateTime", "UtcDateTime"],
        &["time"],
    ) || path == "time::Date"
        || path == "time::Time"
    {
        return RustKind::DateTime;
    }
    if is_path(ty, &["Uuid"], &["uuid"]) {
        return RustKind::Uuid;
    }
    // a bare `Value` may be anyone's: only serde_json's is known
    if ty.trim_start_matches("::") == "serde_json::Value" {
        return RustKind::Json;
    }
    RustKind::Unknown
}

/// What a column of this affinity reads into, for messages.
pub(crate) fn affinity_fits(affinity: Affinity) -> &'static str {
    match affinity {
        Affinity::Integer => "an INTEGER column reads into an integer type or bool",
        Affinity::Real => "a REAL column reads into f32 or f64",
        Affinity::Text => {
            "a TEXT column reads into String, a date/time type or a #[model(json)] field"
        }
        Affinity::Blob => "a BLOB column reads into Vec<u8>, [u8; N] or Uuid",
        Affinity::Numeric => {
            "a NUMERIC column reads into a number, bool or text type (Vec<u8> where it is declared BYTEA or BINARY)"
        }
    }
}

/// What a STRICT column of this declared type reads into, for messages.
pub(crate) fn strict_fits(decl: &str) -> &'static str {
    match decl.to_ascii_uppercase().as_str() {
        "INT" | "INTEGER" => "a STRICT INTEGER column reads into an integer type or bool",
        "REAL" => "a STRICT REAL column reads into f32 or f64",
        "TEXT" => {
            "a STRICT TEXT column reads into String, a date/time type or a #[model(json)] field"
        }
        _ => "a STRICT BLOB column reads into Vec<u8>, [u8; N] or Uuid",
    }
}

/// The type table of DESIGN.md: which Rust kinds read a column.
pub(crate) fn accepts(column: &Column, strict: bool, kind: RustKind) -> bool {
    use RustKind::*;
    let text_like = matches!(kind, Text | DateTime | Uuid | Json);
    if kind == Unknown {
        return true;
    }
    if strict {
        return match column.decl_type.to_ascii_uppercase().as_str() {
            "INT" | "INTEGER" => matches!(kind, Integer | Bool),
            "REAL" => kind == Float,
            // rusqlite and sqlx write a Uuid as its 16 bytes, which a STRICT
            // TEXT column refuses (a TEXT column of another affinity keeps them)
            "TEXT" => text_like && kind != Uuid,
            "BLOB" => matches!(kind, Blob | Uuid),
            _ => true, // ANY
        };
    }
    match column.affinity {
        Affinity::Integer => matches!(kind, Integer | Bool),
        Affinity::Real => kind == Float,
        Affinity::Text => text_like,
        Affinity::Blob if column.decl_type.trim().is_empty() => true,
        Affinity::Blob => matches!(kind, Blob | Uuid),
        // SQLite stores and returns a blob unchanged under NUMERIC affinity:
        // a column declared as binary data (BYTEA, BINARY, VARBINARY) holds blobs
        Affinity::Numeric if matches!(kind, Blob) => {
            let decl = column.decl_type.to_ascii_uppercase();
            decl.contains("BYTEA") || decl.contains("BINARY")
        }
        Affinity::Numeric => true,
    }
}

// a type travels as written (`Option<Vec<u8>>`), and is read again
impl serde::Serialize for FieldType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.written)
    }
}

impl<'de> serde::Deserialize<'de> for FieldType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FieldType, D::Error> {
        let written = String::deserialize(d)?;
        Ok(FieldType::parse(&written))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases = [
            ("i64", RustKind::Integer),
            ("u8", RustKind::Integer),
            ("bool", RustKind::Bool),
            ("f32", RustKind::Float),
            ("String", RustKind::Text),
            ("std :: string :: String", RustKind::Text),
            ("Box < str >", RustKind::Text),
            ("Cow < 'a , str >", RustKind::Text),
            ("std :: sync :: Arc < str >", RustKind::Text),
            ("u64", RustKind::Integer),
            ("Vec < u8 >", RustKind::Blob),
            ("[u8 ; 16]", RustKind::Blob),
            ("chrono :: DateTime < chrono :: Utc >", RustKind::DateTime),
            ("NaiveDate", RustKind::DateTime),
            ("Time", RustKind::Unknown),
            ("Date", RustKind::Unknown),
            ("time :: Date", RustKind::DateTime),
            ("time :: OffsetDateTime", RustKind::DateTime),
            ("uuid :: Uuid", RustKind::Uuid),
            ("serde_json :: Value", RustKind::Json),
            ("Value", RustKind::Unknown),
            ("Vec < String >", RustKind::Unknown),
            ("GameState", RustKind::Unknown),
        ];
        for (ty, kind) in cases {
            assert_eq!(FieldType::parse(ty).kind, kind, "{ty}");
        }
    }

    fn column(decl: &str) -> Column {
        Column {
            name: "c".into(),
            decl_type: decl.into(),
            affinity: Affinity::of(decl),
            not_null: false,
            default: None,
            primary_key: 0,
            hidden: crate::schema::Hidden::No,
        }
    }

    #[test]
    fn a_uuid_is_bytes() {
        // rusqlite and sqlx write its 16 bytes: a STRICT TEXT column refuses them
        assert!(!accepts(&column("TEXT"), true, RustKind::Uuid));
        assert!(accepts(&column("BLOB"), true, RustKind::Uuid));
        assert!(accepts(&column("BLOB"), false, RustKind::Uuid));
        // an ordinary TEXT column stores the bytes as they are
        assert!(accepts(&column("TEXT"), false, RustKind::Uuid));
        assert!(!accepts(&column("INTEGER"), false, RustKind::Uuid));
    }

    #[test]
    fn features_by_crate() {
        let cases = [
            ("chrono :: NaiveDate", Some("chrono")),
            ("chrono :: naive :: NaiveTime", Some("chrono")),
            ("DateTime < FixedOffset >", Some("chrono")),
            ("time :: Date", Some("time")),
            ("PrimitiveDateTime", Some("time")),
            ("Option < uuid :: Uuid >", Some("uuid")),
            ("serde_json :: Value", None),
            ("i64", None),
        ];
        for (ty, feature) in cases {
            assert_eq!(FieldType::parse(ty).feature(), feature, "{ty}");
        }
    }

    #[test]
    fn types_rusqlite_cannot_read_are_unsupported() {
        for ty in ["char", "& 'a str", "& [u8]", "i128", "Option < u128 >"] {
            assert!(
                matches!(FieldType::parse(ty).kind, RustKind::Unsupported(_)),
                "{ty}"
            );
        }
    }

    #[test]
    fn option_is_unwrapped_once() {
        let t = FieldType::parse("std :: option :: Option < Vec < u8 > >");
        assert!(t.optional);
        assert_eq!(t.inner, "Vec<u8>");
        assert_eq!(t.kind, RustKind::Blob);
        let nested = FieldType::parse("Option < Option < Vec < u8 > > >");
        assert!(nested.optional);
        assert_eq!(nested.kind, RustKind::Blob);
        let plain = FieldType::parse("Vec < Option < i64 > >");
        assert!(!plain.optional);
    }
}
