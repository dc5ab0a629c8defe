//! The agencies' files committed under `tests/data` are byte-identical copies of the
//! project's shared data folder beside the repository, wherever that folder is present.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use util::{NEVADA, OKLAHOMA, TEXAS, test_data};

const FOLDERS: [&str; 2] = ["raw", "sources"];

/// The shared data folder the copies were taken from: `../shared/data` beside the repository.
fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// Every file in a folder: its name and its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn each_committed_folder_holds_the_three_agency_files() {
    for folder in FOLDERS {
        let names: Vec<String> = files(&test_data().join(folder)).into_keys().collect();
        assert_eq!(names, [NEVADA, OKLAHOMA, TEXAS], "tests/data/{folder}");
    }
}

#[test]
fn the_committed_files_are_byte_identical_to_the_shared_data_folder() {
    for folder in FOLDERS {
        let original_dir = shared_data().join(folder);
        if !original_dir.is_dir() {
            println!(
                "tests/data/{folder}: nothing checked, {} does not exist here",
                original_dir.display()
            );
            continue;
        }
        let committed = files(&test_data().join(folder));
        let original = files(&original_dir);
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            original.keys().collect::<Vec<_>>(),
            "file names of tests/data/{folder} and {}",
            original_dir.display()
        );
        for (name, bytes) in &committed {
            assert!(
                *bytes == original[name],
                "tests/data/{folder}/{name} differs from {}",
                original_dir.join(name).display()
            );
        }
    }
}
