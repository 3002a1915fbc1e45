//! Registers the embedded-migrations fixture, as an app's build script
//! registers its migrations: `embed_migrations!` embeds only a set the build
//! script checked.

fn main() {
    driftless::build::migrations("fixtures/embedded")
        .db("embedded")
        .run();
}
