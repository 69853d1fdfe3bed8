//! `embed_migrations!` reads the migrations folder when this crate compiles; without this, a
//! newly added migration would not be embedded until something else changed here.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
