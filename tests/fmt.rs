//! `ferry fmt` and `ferry check` of folders: every `.ferry` file below a folder
//! named, in path order, adaptor files included, hidden folders and `target/`
//! left out (the walk `ferry test` makes, src/discover.rs); and the examples kept
//! in the formatter's layout.

mod cli;

use cli::ferry;
use std::path::Path;

const FORMATTED: &str = "type A = { x: Int }\n";
const UNFORMATTED: &str = "type A = {x:Int}\n";

/// A project: formatted and unformatted files at the top, in a subfolder and in
/// `adaptors/`, and unformatted ones where the walk must not look.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("jobs/b.ferry", UNFORMATTED),
        ("jobs/a.ferry", FORMATTED),
        ("jobs/sub/c.ferry", UNFORMATTED),
        ("jobs/adaptors/d.ferry", UNFORMATTED),
        ("jobs/notes.txt", UNFORMATTED),
        ("jobs/.hidden/e.ferry", UNFORMATTED),
        ("jobs/target/f.ferry", UNFORMATTED),
        ("other.ferry", UNFORMATTED),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn check_of_a_folder_names_every_unformatted_file_below_it_in_order() {
    let dir = project();
    let out = ferry(dir.path(), &["fmt", "--check", "jobs", "other.ferry"]);
    assert_eq!(out.exit, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "not formatted: jobs/adaptors/d.ferry\n\
         not formatted: jobs/b.ferry\n\
         not formatted: jobs/sub/c.ferry\n\
         not formatted: other.ferry\n"
    );
    // Nothing changed.
    assert_eq!(read(dir.path(), "jobs/b.ferry"), UNFORMATTED);
}

#[test]
fn fmt_of_a_folder_rewrites_the_files_below_it_and_leaves_hidden_and_target_alone() {
    let dir = project();
    let out = ferry(dir.path(), &["fmt", "jobs"]);
    assert_eq!((out.exit, out.stderr.as_str()), (0, ""));
    for path in [
        "jobs/a.ferry",
        "jobs/b.ferry",
        "jobs/sub/c.ferry",
        "jobs/adaptors/d.ferry",
    ] {
        assert_eq!(read(dir.path(), path), FORMATTED, "{path}");
    }
    for path in [
        "jobs/notes.txt",
        "jobs/.hidden/e.ferry",
        "jobs/target/f.ferry",
        "other.ferry",
    ] {
        assert_eq!(read(dir.path(), path), UNFORMATTED, "{path}");
    }
    let again = ferry(dir.path(), &["fmt", "--check", "jobs"]);
    assert_eq!((again.exit, again.stderr.as_str()), (0, ""));
}

#[test]
fn the_current_folder_is_shown_without_its_dot() {
    let dir = project();
    let out = ferry(&dir.path().join("jobs/sub"), &["fmt", "--check", "."]);
    assert_eq!(out.exit, 1);
    assert_eq!(out.stderr, "not formatted: c.ferry\n");
}

#[test]
fn a_missing_path_is_a_usage_error_before_anything_is_written() {
    let dir = project();
    let out = ferry(dir.path(), &["fmt", "jobs", "missing"]);
    assert_eq!(out.exit, 2);
    assert_eq!(out.stderr, "error: missing: no such file or folder\n");
    assert_eq!(read(dir.path(), "jobs/b.ferry"), UNFORMATTED);
}

#[test]
fn check_of_a_folder_checks_every_file_below_it() {
    let dir = project();
    std::fs::write(dir.path().join("jobs/sub/broken.ferry"), "type B = {\n").unwrap();
    let out = ferry(dir.path(), &["check", "jobs"]);
    assert_eq!(out.exit, 1);
    assert!(
        out.stderr.contains("─[ jobs/sub/broken.ferry:1:10 ]"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .ends_with("checked 5 files: 1 error, 0 warnings\n"),
        "{}",
        out.stderr
    );
    let missing = ferry(dir.path(), &["check", "missing"]);
    assert_eq!(missing.exit, 2);
    assert_eq!(missing.stderr, "error: missing: no such file or folder\n");
}
/// The examples stay in the formatter's layout.
#[test]
fn every_example_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = ferry(root, &["fmt", "--check", "examples"]);
    assert_eq!((out.exit, out.stderr.as_str()), (0, ""));
}
