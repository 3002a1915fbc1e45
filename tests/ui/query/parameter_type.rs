fn main() {
    let min = "ten";
    let _ = driftless::query!("SELECT id FROM games WHERE score > ?1", min);
}
