fn main() {
    let _ = driftless::query!("SELECT id FORM games");
}
