//! driftless's migrator on a real three-node hiqlite cluster, started in
//! this process on loopback ports (each test its own cluster and data
//! directories, shut down at the end, bounded in time).

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use driftless::{Error, Event, Migrations};
use driftless_hiqlite::Cluster;
use hiqlite::{Client, Node, NodeConfig};

/// Every cluster step finishes within this, or the test fails.
const BOUND: Duration = Duration::from_secs(120);

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

struct Nodes {
    dir: tempfile::TempDir,
    nodes: Vec<Node>,
}

impl Nodes {
    fn new() -> Nodes {
        let nodes = (1..=3)
            .map(|id| Node {
                id,
                addr_raft: format!("127.0.0.1:{}", free_port()),
                addr_api: format!("127.0.0.1:{}", free_port()),
            })
            .collect();
        Nodes {
            dir: tempfile::tempdir().expect("temp dir"),
            nodes,
        }
    }

    fn config(&self, id: u64) -> NodeConfig {
        let data = self.dir.path().join(format!("node_{id}"));
        std::fs::create_dir_all(&data).expect("data dir");
        NodeConfig {
            node_id: id,
            nodes: self.nodes.clone(),
            listen_addr_api: "127.0.0.1".into(),
            listen_addr_raft: "127.0.0.1".into(),
            data_dir: data.to_string_lossy().into_owned().into(),
            secret_raft: "driftless-test-raft-secret".into(),
            secret_api: "driftless-test-api-secret".into(),
            raft_config: NodeConfig::default_raft_config(1000),
            ..NodeConfig::default()
        }
    }

    async fn start(&self, id: u64) -> Client {
        let client = tokio::time::timeout(BOUND, hiqlite::start_node(self.config(id)))
            .await
            .expect("node starts in time")
            .expect("node starts");
        client
            .wait_until_healthy_db_timeout(BOUND)
            .await
            .expect("node healthy");
        client
    }

    async fn start_all(&self) -> Vec<Client> {
        let (a, b, c) = tokio::join!(self.start(1), self.start(2), self.start(3));
        vec![a, b, c]
    }

    async fn remote(&self) -> Client {
        let apis = self.nodes.iter().map(|n| n.addr_api.clone()).collect();
        Client::remote(
            apis,
            false,
            false,
            "driftless-test-api-secret".into(),
            false,
            None,
        )
        .await
        .expect("remote client")
    }
}

/// Shuts the nodes down together (each takes seconds: hiqlite waits for its Raft tasks).
async fn shutdown(clients: Vec<Client>) {
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| tokio::spawn(async move { tokio::time::timeout(BOUND, c.shutdown()).await }))
        .collect();
    for t in tasks {
        let done = t.await.expect("shutdown task");
        assert!(done.is_ok(), "a node shuts down in time");
    }
}

fn migrations(dir: &Path, files: &[(&str, &str)]) -> Migrations {
    let dir = dir.join("migrations");
    std::fs::create_dir_all(&dir).expect("migrations dir");
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).expect("write migration");
    }
    Migrations::from_dir(&dir).expect("migrations")
}

/// Numbered migrations that each create a table and log their run, so a
/// second run of any of them shows.
fn logged(n: u32) -> Vec<(String, String)> {
    let mut files = vec![(
        "1_runs.sql".to_string(),
        "CREATE TABLE runs (m INTEGER NOT NULL);".to_string(),
    )];
    for i in 2..=n {
        files.push((
            format!("{i}_t{i}.sql"),
            format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY);\nINSERT INTO runs VALUES ({i});"),
        ));
    }
    files
}

fn refs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

/// What one node has in its own SQLite file (a local read, not the leader's).
async fn local(client: &Client, sql: &'static str) -> i64 {
    let mut rows = client.query_raw(sql, vec![]).await.expect(sql);
    rows.first_mut().map(|r| r.get::<i64>("n")).unwrap_or(-1)
}

/// Waits for a node's own copy to show `want`.
async fn replicated(client: &Client, sql: &'static str, want: i64) {
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let got = local(client, sql).await;
        if got == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql}: {got}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const HISTORY: &str = "SELECT count(*) AS n FROM _driftless_migrations";
const RUNS: &str = "SELECT count(*) AS n FROM runs";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_upgrade_on_one_node_is_seen_on_every_node_and_a_failing_one_changes_nothing() {
    let nodes = Nodes::new();
    let clients = nodes.start_all().await;
    let files = logged(3);
    let set = migrations(nodes.dir.path(), &refs(&files));

    let mut on_2 = Cluster::new(clients[1].clone());
    let report = set.upgrade_on(&mut on_2, None, |_| {}).expect("upgrade");
    assert_eq!(report.ran.len(), 3);
    for c in &clients {
        replicated(c, HISTORY, 3).await;
        replicated(
            c,
            "SELECT count(*) AS n FROM sqlite_schema WHERE name = 't3'",
            1,
        )
        .await;
    }
    // through a remote client too: the status and the schema
    let mut remote = Cluster::new(nodes.remote().await);
    assert!(set.status_on(&mut remote).expect("status").is_up_to_date());
    let diffs = set.verify_on(&mut remote).expect("verify");
    assert!(diffs.is_empty(), "{diffs:?}");

    // a failing third statement: no table, no row, no log entry, on any node
    let set = migrations(
        nodes.dir.path(),
        &[(
            "4_hosts.sql",
            "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\nINSERT INTO runs VALUES (4);\nINSERT INTO nowhere VALUES (1);",
        )],
    );
    let err = set
        .upgrade_on(&mut remote, None, |_| {})
        .expect_err("fails");
    let shown = err.to_string();
    assert!(
        shown.contains("4_hosts.sql") && shown.contains("nowhere"),
        "{shown}"
    );
    assert!(shown.contains("nothing of it was kept"), "{shown}");
    for c in &clients {
        assert_eq!(
            local(
                c,
                "SELECT count(*) AS n FROM sqlite_schema WHERE name = 'hosts'"
            )
            .await,
            0
        );
        assert_eq!(local(c, HISTORY).await, 3);
        assert_eq!(local(c, RUNS).await, 2);
    }
    assert_eq!(set.status_on(&mut remote).expect("status").pending.len(), 1);
    shutdown(clients).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_migrators_on_two_nodes_at_once_apply_each_migration_once() {
    let nodes = Nodes::new();
    let clients = nodes.start_all().await;
    let files = logged(20);
    let set = migrations(nodes.dir.path(), &refs(&files));
    let runtime = tokio::runtime::Handle::current();
    let (a, b) = std::thread::scope(|s| {
        let run = |client: &Client| {
            let mut cluster = Cluster::on(client.clone(), runtime.clone());
            let set = &set;
            s.spawn(move || set.upgrade_on(&mut cluster, None, |_| {}))
        };
        let a = run(&clients[1]);
        let b = run(&clients[2]);
        (a.join().expect("migrator a"), b.join().expect("migrator b"))
    });
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(
        a.ran.len() + b.ran.len(),
        20,
        "each once between them: {a:?} {b:?}"
    );
    for c in &clients {
        replicated(c, HISTORY, 20).await;
        replicated(c, RUNS, 19).await;
    }
    let mut cluster = Cluster::new(clients[0].clone());
    assert!(set.status_on(&mut cluster).expect("status").is_up_to_date());
    shutdown(clients).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_shut_down_mid_upgrade_rejoins_at_the_cluster_version_and_the_rest_runs_once() {
    let nodes = Nodes::new();
    let mut clients = nodes.start_all().await;
    let files = logged(12);
    let set = migrations(nodes.dir.path(), &refs(&files));
    let runtime = tokio::runtime::Handle::current();
    let third = clients[2].clone();
    let result = tokio::task::spawn_blocking({
        let set = migrations(nodes.dir.path(), &[]);
        let runtime = runtime.clone();
        move || {
            let mut cluster = Cluster::on(third.clone(), runtime.clone());
            set.upgrade_on(&mut cluster, None, |e| {
                // node 3 goes down while its upgrade is half done
                if let Event::Done(ran) = e
                    && ran.version == 5
                {
                    let _ = runtime.block_on(third.shutdown());
                }
            })
        }
    })
    .await
    .expect("migrator thread");
    let err = result.expect_err("its node went down");
    let done = err.report().map_or(0, |r| r.ran.len());
    assert!(
        matches!(err.root(), Error::Executor { .. } | Error::Rejected { .. }),
        "{err}"
    );
    assert!(done >= 5, "{err}");

    clients[2] = nodes.start(3).await;
    let mut on_1 = Cluster::new(clients[0].clone());
    let at = set.status_on(&mut on_1).expect("status").applied.len() as i64;
    assert!(at >= 5, "the cluster kept what committed");
    // the restarted node catches up to the cluster's version
    replicated(&clients[2], HISTORY, at).await;
    let mut on_3 = Cluster::new(clients[2].clone());
    let rest = set.upgrade_on(&mut on_3, None, |_| {}).expect("the rest");
    assert_eq!(rest.ran.len() as i64, 12 - at);
    for c in &clients {
        replicated(c, HISTORY, 12).await;
        replicated(c, RUNS, 11).await;
    }
    assert!(set.verify_on(&mut on_3).expect("verify").is_empty());
    shutdown(clients).await;
}

/// What an app on hiqlite's own `Client::migrate` embeds.
#[derive(rust_embed::Embed)]
#[folder = "tests/hiqlite-migrations"]
struct OwnMigrations;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_app_on_hiqlites_own_migrate_switches_with_adopt_on() {
    let nodes = Nodes::new();
    let clients = nodes.start_all().await;
    clients[0]
        .migrate::<OwnMigrations>()
        .await
        .expect("hiqlite's migrate");

    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hiqlite-migrations");
    let mut files = Vec::new();
    for name in ["1_init.sql", "2_completed.sql"] {
        files.push((
            name.to_string(),
            std::fs::read_to_string(own.join(name)).expect("read"),
        ));
    }
    files.push((
        "3_players.sql".into(),
        "CREATE TABLE players (id INTEGER PRIMARY KEY);".into(),
    ));
    let set = migrations(nodes.dir.path(), &refs(&files));

    let mut cluster = Cluster::new(clients[1].clone());
    let adopted = set.adopt_on(&mut cluster).expect("adopt");
    assert_eq!(adopted.versions, [1, 2]);
    let status = set.status_on(&mut cluster).expect("status");
    assert_eq!((status.current, status.pending.len()), (Some(2), 1));
    let report = set.upgrade_on(&mut cluster, None, |_| {}).expect("upgrade");
    assert_eq!(
        report.ran.iter().map(|r| r.version).collect::<Vec<_>>(),
        [3]
    );
    let diffs = set.verify_on(&mut cluster).expect("verify");
    assert!(diffs.is_empty(), "{diffs:?}");
    shutdown(clients).await;
}
