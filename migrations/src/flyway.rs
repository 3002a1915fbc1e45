//! Flyway's versions: `V1__`, `V1.1__`, `V2_0_1__` and repeatable `R__`
//! migrations, and how they map onto driftless's integer versions.
//!
//! Flyway reads a version as numbers separated by `.` or `_` (`_` in a file
//! name stands for `.`), compares them part by part as numbers, and treats
//! missing parts as zero, so `1.0` and `1` are one version
//! (`org.flywaydb.core.api.MigrationVersion`). Repeatable migrations have no
//! version: they run after every versioned one, in the order of their
//! descriptions, and again whenever their checksum changes.
//!
//! driftless identifies a migration by an integer. A one-part version is that
//! integer (`V7__` is 7, as refinery reads it too); a dotted version and a
//! repeatable migration get a stable integer derived from their text, at or
//! above [`DERIVED`]. Their order is Flyway's, kept by the position of each
//! migration in its set, never by that integer.

use std::cmp::Ordering;

use sha2::{Digest, Sha256};

/// Derived versions (dotted versions, repeatable migrations) lie in
/// `DERIVED..2^63`, above any timestamp or sequence number, and below what
/// SQLite's signed integers can store.
pub const DERIVED: u64 = 1 << 62;

/// A Flyway version: its numeric parts, trailing zeros dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version(Vec<u64>);

impl Version {
    /// Parses `1`, `1.1`, `2_0_1` (as in a file name); `None` for anything else.
    ///
    /// ```
    /// use driftless_migrations::flyway::Version;
    /// assert_eq!(Version::parse("1.0"), Version::parse("1"));
    /// assert!(Version::parse("1.10") > Version::parse("1.9"));
    /// assert_eq!(Version::parse("1..2"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = Vec::new();
        for part in text.split(['.', '_']) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts.push(part.parse().ok()?);
        }
        while parts.len() > 1 && parts.last() == Some(&0) {
            parts.pop();
        }
        Some(Version(parts))
    }

    /// The integer driftless records for it: the number itself for a
    /// one-part version, else one derived from its dotted form.
    ///
    /// ```
    /// use driftless_migrations::flyway::{DERIVED, Version};
    /// assert_eq!(Version::parse("7").unwrap().id(), 7);
    /// assert!(Version::parse("1.1").unwrap().id() >= DERIVED);
    /// assert_eq!(Version::parse("1_1").unwrap().id(), Version::parse("1.1.0").unwrap().id());
    /// ```
    pub fn id(&self) -> u64 {
        match self.0.as_slice() {
            [one] => *one,
            _ => derived("V", &self.to_string()),
        }
    }

    /// Whether it has more than one part (refinery reads only one).
    pub fn is_dotted(&self) -> bool {
        self.0.len() > 1
    }

    /// The first part: what `driftless new` counts up from.
    pub fn major(&self) -> u64 {
        self.0.first().copied().unwrap_or(0)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // trailing zeros are dropped, so comparing the parts is Flyway's order
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// The version a `V`, `U` or `B` file name writes: `1.2` of `V1_2__b.sql`;
/// `None` for any other name.
///
/// ```
/// use driftless_migrations::flyway::{Version, file_version};
/// assert_eq!(file_version("V1_2__b.sql"), Version::parse("1.2"));
/// assert_eq!(file_version("0001_a.sql"), None);
/// ```
pub fn file_version(file_name: &str) -> Option<Version> {
    let (version, _) = file_name.get(1..)?.split_once("__")?;
    Version::parse(version)
}

/// The integer driftless records for the repeatable migration `R__<description>.sql`.
///
/// ```
/// use driftless_migrations::flyway::{DERIVED, repeatable_id};
/// assert!(repeatable_id("views") >= DERIVED);
/// assert_ne!(repeatable_id("views"), repeatable_id("triggers"));
/// ```
pub fn repeatable_id(description: &str) -> u64 {
    derived("R", description)
}

/// A version as users type it (`12`, `1.1`), as driftless records it; `None`
/// when it is neither.
///
/// ```
/// use driftless_migrations::flyway::{Version, version_id};
/// assert_eq!(version_id("20240101120000"), Some(20240101120000));
/// assert_eq!(version_id("1.1"), Some(Version::parse("1.1").unwrap().id()));
/// assert_eq!(version_id("one"), None);
/// ```
pub fn version_id(text: &str) -> Option<u64> {
    Version::parse(text.trim()).map(|v| v.id())
}

/// 62 bits of SHA-256 over a kind and a text, placed at or above [`DERIVED`].
fn derived(kind: &str, text: &str) -> u64 {
    let digest = Sha256::digest(format!("{kind}:{text}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    DERIVED | (u64::from_be_bytes(bytes) >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flyway_order_is_numeric_part_by_part() {
        let mut versions: Vec<Version> = ["1.10", "1.2", "2", "1", "1.2.1", "1_3", "10"]
            .iter()
            .filter_map(|t| Version::parse(t))
            .collect();
        versions.sort();
        let shown: Vec<String> = versions.iter().map(Version::to_string).collect();
        assert_eq!(shown, ["1", "1.2", "1.2.1", "1.3", "1.10", "2", "10"]);
    }

    #[test]
    fn derived_ids_fit_sqlite_integers() {
        for text in ["1.1", "999.999.999", "2024.01.01.1"] {
            let id = version_id(text).expect("a version");
            assert!((DERIVED..(1 << 63)).contains(&id), "{text}: {id}");
        }
    }
}
