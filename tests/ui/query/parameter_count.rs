fn main() {
    let _ = driftless::query!("SELECT id FROM games WHERE id = ?1", 1, 2);
}
