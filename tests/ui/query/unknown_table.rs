fn main() {
    let _ = driftless::query!("SELECT id FROM game");
}
