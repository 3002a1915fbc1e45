//! driftless's migrator on a [hiqlite](https://crates.io/crates/hiqlite)
//! cluster: SQLite replicated over Raft, migrated once for every node.
//!
//! [`Cluster`] makes a hiqlite [`Client`] (a node's own, or
//! `Client::remote`) a [`driftless::executor::Executor`], so every
//! `Migrations::*_on` method runs on it: `status_on`, `upgrade_on`,
//! `downgrade_on`, `stamp_on`, `verify_on` and `adopt_on` (which takes over
//! the history of hiqlite's own `Client::migrate`).
//!
//! Each migration goes to the leader as one `txn` that writes its history
//! row first: Raft orders the writes, so when two nodes migrate at once the
//! second copy fails on the row's primary key before its script runs, and
//! that migrator reads the history again and goes on. No lock to hold or
//! leak; a node killed mid-upgrade leaves each migration committed on the
//! cluster with its row, or not sent.
//!
//! ```no_run
//! # async fn start(config: hiqlite::NodeConfig) -> Result<(), Box<dyn std::error::Error>> {
//! // or `static MIGRATIONS: Migrations = driftless::embed_migrations!("migrations");`
//! let migrations = driftless::Migrations::from_dir("migrations")?;
//! let client = hiqlite::start_node(config).await?;
//! let mut cluster = driftless_hiqlite::Cluster::new(client.clone());
//! let report = migrations.upgrade_on(&mut cluster, None, |_| {})?;
//! println!("{} migrations applied", report.ran.len());
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

use driftless::executor::{Column, Executor, Failure, Kind, Statement};
use driftless::rusqlite::types::Value;
use hiqlite::{Client, Param, Params};

/// A hiqlite client as the database the migrator migrates.
///
/// Its calls wait for the cluster: from async code, call the migrator on
/// tokio's multi-threaded runtime (the worker is handed over while it
/// waits) or from a blocking thread.
pub struct Cluster {
    client: Client,
    runtime: tokio::runtime::Handle,
}

impl Cluster {
    /// The cluster `client` reaches, its calls run on the current tokio runtime.
    ///
    /// # Panics
    /// Outside a tokio runtime: use [`Cluster::on`] there.
    pub fn new(client: Client) -> Cluster {
        Cluster::on(client, tokio::runtime::Handle::current())
    }

    /// The cluster `client` reaches, its calls run on `runtime`.
    pub fn on(client: Client, runtime: tokio::runtime::Handle) -> Cluster {
        Cluster { client, runtime }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs `work` to its end, or until the client's node has stopped.
    fn wait<T>(&self, work: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
        let work = async {
            tokio::select! {
                done = work => done,
                message = stopped(&self.client) => Err(Failure { statement: None, message }),
            }
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::task::block_in_place(|| self.runtime.block_on(work))
        } else {
            self.runtime.block_on(work)
        }
    }
}

/// How often a request that has not answered looks whether its node stopped.
const STOPPED_POLL: Duration = Duration::from_millis(250);

/// Resolves once the client's node has stopped (shut down, or a fatal Raft
/// error), and never while it runs. hiqlite holds a request to a stopped
/// node for its two-minute request timeout; a migrator whose node went down
/// mid-upgrade says so within a poll instead. A request cut off here may
/// still have reached the leader: the migration's history row, written in
/// the same transaction, keeps a second run of it from applying twice.
async fn stopped(client: &Client) -> String {
    loop {
        tokio::time::sleep(STOPPED_POLL).await;
        // a failed look (a remote client's leader out of reach) is not a
        // stop: the request itself fails over or times out
        if let Ok(metrics) = client.metrics_db().await
            && let Err(fatal) = metrics.running_state
        {
            return format!("the hiqlite node has stopped ({fatal}), so its request has no answer");
        }
    }
}

fn param(v: &Value) -> Param {
    match v {
        Value::Null => Param::Null,
        Value::Integer(i) => Param::Integer(*i),
        Value::Real(r) => Param::Real(*r),
        Value::Text(t) => Param::Text(t.clone()),
        Value::Blob(b) => Param::Blob(b.clone()),
    }
}

fn params(values: &[Value]) -> Params {
    values.iter().map(param).collect()
}

fn failure(e: hiqlite::Error, statements: &[Statement]) -> Failure {
    let message = e.to_string();
    // hiqlite names the statement it could not prepare, not one that failed to run
    let statement = message
        .split_once("Preparing cached query ")
        .and_then(|(_, rest)| {
            statements
                .iter()
                .rposition(|s| rest.starts_with(s.sql.as_str()))
        });
    Failure { statement, message }
}

impl Executor for Cluster {
    fn read(
        &mut self,
        sql: &str,
        params_: &[Value],
        columns: &[Column],
    ) -> Result<Vec<Vec<Value>>, Failure> {
        let sql: Cow<'static, str> = Cow::Owned(sql.to_string());
        let params = params(params_);
        self.wait(async {
            let rows = self
                .client
                .query_consistent(sql, params)
                .await
                .map_err(|e| failure(e, &[]))?;
            let mut out = Vec::with_capacity(rows.len());
            for mut row in rows {
                let mut values = Vec::with_capacity(columns.len());
                for c in columns {
                    let value = match c.kind {
                        Kind::Integer => row
                            .try_get::<Option<i64>>(c.name)
                            .map(|v| v.map(Value::Integer)),
                        Kind::Text => row
                            .try_get::<Option<String>>(c.name)
                            .map(|v| v.map(Value::Text)),
                        Kind::Blob => row
                            .try_get::<Option<Vec<u8>>>(c.name)
                            .map(|v| v.map(Value::Blob)),
                    }
                    .map_err(|e| failure(e, &[]))?;
                    values.push(value.unwrap_or(Value::Null));
                }
                out.push(values);
            }
            Ok(out)
        })
    }

    fn write(&mut self, statements: &[Statement]) -> Result<(), Failure> {
        let queries: Vec<(Cow<'static, str>, Params)> = statements
            .iter()
            .map(|s| (Cow::Owned(s.sql.clone()), params(&s.params)))
            .collect();
        self.wait(async {
            self.client
                .txn(queries)
                .await
                .map(drop)
                .map_err(|e| failure(e, statements))
        })
    }

    /// hiqlite's own table of the node's Raft state.
    fn own_tables(&self) -> &[&str] {
        &["_metadata"]
    }
}
