fn main() {
    let _ = driftless::execute!("DELETE FROM players; DELETE FROM games");
}
