use driftless::Model;

#[derive(Model)]
#[model(table = "games")]
pub struct Nothing {
    #[model(skip)]
    pub cache: u8,
}

fn main() {}
