//! Embeds every file under `content/` so the binary carries its demo publication.

use std::fs;
use std::io::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=content");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let mut out = String::from(
        "/// Every demo file: path under `content/` and its bytes.\npub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for folder in ["articles", "media"] {
        let dir = Path::new(&manifest_dir).join("content").join(folder);
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map(|entries| {
                entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            out.push_str(&format!(
                "    ({:?}, include_bytes!({:?})),\n",
                format!("{folder}/{name}"),
                path.display().to_string()
            ));
        }
    }
    out.push_str("];\n");
    let target = Path::new(&out_dir).join("demo_files.rs");
    if let Ok(mut file) = fs::File::create(target) {
        let _ = file.write_all(out.as_bytes());
    }
}
