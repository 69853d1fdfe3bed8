//! `crates/platform/src/db/schema.rs` is generated: it must be exactly what
//! `diesel print-schema` writes for the migrated database (the test command installs
//! diesel_cli). After changing a migration, regenerate it with
//! `diesel print-schema --database-url <a migrated database> > crates/platform/src/db/schema.rs`.

use crate::harness::{run, TestApp};

#[test]
fn schema_rs_is_what_diesel_print_schema_writes() {
    run(async {
        let app = TestApp::spawn().await;
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let output = std::process::Command::new("diesel")
            .args(["print-schema", "--database-url"])
            .arg(app.config.database_url.to_string())
            .current_dir(root)
            .output()
            .expect("run `diesel` (scripts/test installs diesel_cli; or cargo install diesel_cli --no-default-features --features postgres)");
        assert!(
            output.status.success(),
            "diesel print-schema failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let generated = String::from_utf8(output.stdout).expect("utf-8");
        let committed = std::fs::read_to_string(format!("{root}/crates/platform/src/db/schema.rs"))
            .expect("read schema.rs");
        assert!(
            generated == committed,
            "schema.rs is stale: regenerate it with diesel print-schema (see this test's docs)"
        );
    })
}
