fn main() {
    let _ = driftless::query!("SELECT id, nme FROM games WHERE score > ?1", 3);
}
