//! Test databases (feature `test`): what `#[driftless::test]` gives each
//! test. Every test gets its own in-memory database, restored from a
//! database image the build made (the migrations replayed, stamped in the
//! history table, fixtures applied), with foreign keys on. Nothing touches
//! the disk, so a failing or killed test leaves nothing behind, and the
//! setup costs the same at ten migrations and at a thousand.
//!
//! ```
//! use driftless::rusqlite::Connection;
//! // any SQLite database file's bytes; `#[driftless::test]` embeds the build's
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("image.db");
//! Connection::open(&file)?.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);")?;
//! let image: &'static [u8] = Box::leak(std::fs::read(&file)?.into_boxed_slice());
//!
//! let conn = driftless::testing::connection(image)?;
//! conn.execute("INSERT INTO games (name) VALUES ('quiz')", [])?;
//! // a second database from the same image starts as the image is
//! let other = driftless::testing::connection(image)?;
//! let n: i64 = other.query_row("SELECT count(*) FROM games", [], |r| r.get(0))?;
//! assert_eq!(n, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ptr::NonNull;

use rusqlite::Connection;
use rusqlite::serialize::OwnedData;

use crate::Result;

/// A private in-memory database holding a copy of `image` (the bytes of a
/// SQLite database file), with foreign keys on, as the migrator runs.
///
/// `sqlite3_deserialize` is used rather than the backup API: it was faster
/// on every rusqlite driftless supports (`cargo bench -p driftless-tests
/// --bench goals` measures both).
///
/// # Errors
/// When the bytes are not a SQLite database, or SQLite is out of memory.
///
/// ```
/// let err = driftless::testing::connection(b"not a database").unwrap_err();
/// assert!(err.to_string().contains("not a database"), "{err}");
/// ```
pub fn connection(image: &[u8]) -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.deserialize(rusqlite::MAIN_DB, copy(image)?, false)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // SQLite reads the image on first use: a bad one fails here, not in the test
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    Ok(conn)
}

/// `image` copied into memory SQLite allocated, which is what
/// `sqlite3_deserialize` takes ownership of (and frees).
#[allow(unsafe_code)]
fn copy(image: &[u8]) -> Result<OwnedData> {
    let len = image.len();
    // SAFETY: sqlite3_malloc64 returns null or a block of `len` bytes
    // (at least 1, so a zero-length image still gets a block to own)
    let ptr = unsafe { rusqlite::ffi::sqlite3_malloc64(len.max(1) as u64) };
    let Some(ptr) = NonNull::new(ptr.cast::<u8>()) else {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOMEM),
            None,
        )
        .into());
    };
    // SAFETY: the block is `len` bytes, freshly allocated: it cannot overlap
    // `image`; and it came from sqlite3_malloc64, as OwnedData requires
    unsafe {
        std::ptr::copy_nonoverlapping(image.as_ptr(), ptr.as_ptr(), len);
        Ok(OwnedData::from_raw_nonnull(ptr, len))
    }
}

/// A test database image and what it is, for the message when it cannot
/// be opened. `#[driftless::test]` makes these.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Image {
    bytes: &'static [u8],
    about: &'static str,
}

impl Image {
    /// An image and its description.
    #[doc(hidden)]
    pub const fn new(bytes: &'static [u8], about: &'static str) -> Image {
        Image { bytes, about }
    }

    fn failed(&self, e: impl std::fmt::Display) -> ! {
        panic!(
            "#[driftless::test]: cannot open the test database ({}): {e}",
            self.about
        )
    }
}

/// What a synchronous `#[driftless::test]` function can take: a
/// `rusqlite::Connection`.
///
/// ```
/// use driftless::testing::TestDatabase;
/// fn takes<D: TestDatabase>() {}
/// takes::<driftless::rusqlite::Connection>();
/// ```
#[diagnostic::on_unimplemented(
    message = "a #[driftless::test] function takes a `rusqlite::Connection`, not `{Self}`",
    note = "write `fn my_test(conn: rusqlite::Connection)`; an `async fn` takes a `sqlx::SqlitePool` or `sqlx::SqliteConnection` (driftless's feature `sqlx`)"
)]
pub trait TestDatabase: Sized {
    /// A fresh database restored from `image`.
    #[doc(hidden)]
    fn open(image: &Image) -> Self;
}

impl TestDatabase for Connection {
    fn open(image: &Image) -> Connection {
        connection(image.bytes).unwrap_or_else(|e| image.failed(e))
    }
}

/// Runs a `#[driftless::test]` body on a fresh database.
#[doc(hidden)]
pub fn run<D: TestDatabase, R>(image: Image, test: impl FnOnce(D) -> R) -> R {
    test(D::open(&image))
}

#[cfg(feature = "sqlx")]
pub use self::sqlx::{AsyncTestDatabase, run_async};

#[cfg(feature = "sqlx")]
mod sqlx {
    //! The async form, for sqlx: a pool or a connection on an in-memory
    //! database that a rusqlite connection holds open for the test.

    use std::future::Future;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ::sqlx::ConnectOptions;
    use ::sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions};
    use rusqlite::{Connection, OpenFlags};

    use super::{Image, connection};

    /// A database of SQLite's `memdb` VFS under a name of its own: the
    /// connections of one process that open that name share it, so a
    /// rusqlite connection fills it and sqlx's open it.
    async fn shared(image: &Image) -> (Connection, SqliteConnectOptions) {
        static OPENED: AtomicUsize = AtomicUsize::new(0);
        // a name starting with `/` is what memdb shares between connections
        let name = format!(
            "/driftless-test-{}-{}",
            std::process::id(),
            OPENED.fetch_add(1, Ordering::Relaxed)
        );
        let holder = Connection::open_with_flags(
            format!("file:{name}?vfs=memdb"),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI,
        );
        let filled = holder.map_err(crate::Error::from).and_then(|mut holder| {
            let restored = connection(image.bytes)?;
            rusqlite::backup::Backup::new(&restored, &mut holder)?.step(-1)?;
            Ok(holder)
        });
        let holder = filled.unwrap_or_else(|e| image.failed(e));
        let options = SqliteConnectOptions::new()
            .filename(&name)
            .vfs("memdb")
            .foreign_keys(true);
        (holder, options)
    }

    /// What an async `#[driftless::test]` function can take: a
    /// `sqlx::SqlitePool` or a `sqlx::SqliteConnection`.
    ///
    /// ```
    /// use driftless::testing::AsyncTestDatabase;
    /// fn takes<D: AsyncTestDatabase>() {}
    /// takes::<sqlx::SqlitePool>();
    /// takes::<sqlx::SqliteConnection>();
    /// ```
    #[diagnostic::on_unimplemented(
        message = "an async #[driftless::test] function takes a `sqlx::SqlitePool` or `sqlx::SqliteConnection`, not `{Self}`",
        note = "a synchronous `fn` takes a `rusqlite::Connection`"
    )]
    pub trait AsyncTestDatabase: Sized {
        /// A fresh database restored from `image`, and the connection that
        /// keeps it alive until the test ends.
        #[doc(hidden)]
        fn open(image: &Image) -> impl Future<Output = (Connection, Self)>;
    }

    impl AsyncTestDatabase for SqlitePool {
        async fn open(image: &Image) -> (Connection, SqlitePool) {
            let (holder, options) = shared(image).await;
            let pool = SqlitePoolOptions::new()
                .connect_with(options)
                .await
                .unwrap_or_else(|e| image.failed(e));
            (holder, pool)
        }
    }

    impl AsyncTestDatabase for SqliteConnection {
        async fn open(image: &Image) -> (Connection, SqliteConnection) {
            let (holder, options) = shared(image).await;
            let conn = options.connect().await.unwrap_or_else(|e| image.failed(e));
            (holder, conn)
        }
    }

    /// Runs an async `#[driftless::test]` body on a fresh database, on the
    /// runtime sqlx's features choose (as `#[sqlx::test]` does).
    #[doc(hidden)]
    pub fn run_async<D, F, Fut>(image: Image, test: F) -> Fut::Output
    where
        D: AsyncTestDatabase,
        F: FnOnce(D) -> Fut,
        Fut: Future,
    {
        ::sqlx::test_block_on(async move {
            let (holder, db) = D::open(&image).await;
            let out = test(db).await;
            drop(holder);
            out
        })
    }
}
