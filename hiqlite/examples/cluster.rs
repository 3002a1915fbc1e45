//! A three-node hiqlite cluster on loopback, migrated from one node with
//! the trivia example's migrations, its status then read on another:
//! `cargo run --manifest-path hiqlite/Cargo.toml --example cluster`.

use std::net::TcpListener;
use std::path::Path;

use driftless::{Event, Migrations};
use driftless_hiqlite::Cluster;
use hiqlite::{Node, NodeConfig};

fn port() -> Result<u16, std::io::Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = tempfile::tempdir()?;
    let mut nodes = Vec::new();
    for id in 1..=3 {
        nodes.push(Node {
            id,
            addr_raft: format!("127.0.0.1:{}", port()?),
            addr_api: format!("127.0.0.1:{}", port()?),
        });
    }
    let start = |id: u64| {
        let config = NodeConfig {
            node_id: id,
            nodes: nodes.clone(),
            listen_addr_api: "127.0.0.1".into(),
            listen_addr_raft: "127.0.0.1".into(),
            data_dir: data
                .path()
                .join(format!("node_{id}"))
                .to_string_lossy()
                .into_owned()
                .into(),
            secret_raft: "example-raft-secret-0123".into(),
            secret_api: "example-api-secret-01234".into(),
            raft_config: NodeConfig::default_raft_config(1000),
            ..NodeConfig::default()
        };
        hiqlite::start_node(config)
    };
    let (one, two, three) = tokio::join!(start(1), start(2), start(3));
    let clients = [one?, two?, three?];
    for c in &clients {
        c.wait_until_healthy_db().await;
    }

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/trivia/migrations");
    let migrations = Migrations::from_dir(&dir)?;
    let mut node_2 = Cluster::new(clients[1].clone());
    println!(
        "upgrading through node 2 ({} migrations)",
        migrations.iter().count()
    );
    let report = migrations.upgrade_on(&mut node_2, None, |event| {
        if let Event::Done(ran) = event {
            let file = Path::new(&ran.file)
                .file_name()
                .map(|f| f.to_string_lossy())
                .unwrap_or_default();
            println!("  applied {file} in {} ms", ran.took.as_millis());
        }
    })?;
    println!(
        "{} applied, each once for the whole cluster",
        report.ran.len()
    );

    let mut node_3 = Cluster::new(clients[2].clone());
    let status = migrations.status_on(&mut node_3)?;
    println!(
        "node 3 reads version {}, {} pending; verify: {} differences",
        status.current.unwrap_or(0),
        status.pending.len(),
        migrations.verify_on(&mut node_3)?.len()
    );
    println!(
        "a second upgrade through node 3 applies {}",
        migrations.upgrade_on(&mut node_3, None, |_| {})?.ran.len()
    );
    for c in clients {
        c.shutdown().await?;
    }
    Ok(())
}
