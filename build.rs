//! Build script: compiles the C logging shim and generates the four public headers with cbindgen.
//!
//! The headers are checked in (`include/librtmp/`). This script writes freshly generated copies to
//! `target/[<triple>/]<profile>/include/librtmp/`; `make` compares them with the checked-in ones and
//! fails on drift, and `make headers` copies them over the checked-in ones.
use std::path::{Path, PathBuf};

/// Each header: its cbindgen config and the Rust files whose types and exports it declares.
const HEADERS: &[(&str, &str, &[&str])] = &[
    ("amf.h", "cbindgen/amf.toml", &["src/ffi/abi/amf.rs", "src/ffi/amf.rs"]),
    ("log.h", "cbindgen/log.toml", &["src/ffi/abi/log.rs", "src/ffi/logging.rs", "src/ffi/log.rs"]),
    ("http.h", "cbindgen/http.toml", &["src/ffi/abi/http.rs", "src/ffi/http.rs"]),
    (
        "rtmp.h",
        "cbindgen.toml",
        &[
            "src/ffi/abi/rtmp.rs",
            "src/ffi/data.rs",
            "src/ffi/rtmp_amf.rs",
            "src/ffi/lifecycle.rs",
            "src/ffi/packet.rs",
            "src/ffi/url.rs",
            "src/ffi/net.rs",
            "src/ffi/serve.rs",
            "src/ffi/tls.rs",
            "src/ffi/swf.rs",
        ],
    ),
];

fn main() {
    cc::Build::new()
        .file("src/log_shim.c")
        .flag_if_supported("-std=c99")
        .warnings(true)
        .extra_warnings(true)
        .compile("rtmp_log_shim");
    println!("cargo:rerun-if-changed=src/log_shim.c");

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    // OUT_DIR is target/[<triple>/]<profile>/build/<pkg>-<hash>/out: the profile directory is three up.
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let out = out_dir.ancestors().nth(3).unwrap().join("include/librtmp");
    std::fs::create_dir_all(&out).unwrap();

    for (name, config, sources) in HEADERS {
        println!("cargo:rerun-if-changed={config}");
        let text = generate(&root, config, sources);
        std::fs::write(out.join(name), &text).unwrap();
        let checked_in = root.join("include/librtmp").join(name);
        println!("cargo:rerun-if-changed={}", checked_in.display());
        if std::fs::read(&checked_in).ok().as_deref() != Some(text.as_slice()) {
            println!("cargo:warning=include/librtmp/{name} differs from what cbindgen generates (run `make headers`)");
        }
    }
}

fn generate(root: &Path, config: &str, sources: &[&str]) -> Vec<u8> {
    let cfg = cbindgen::Config::from_file(root.join(config)).unwrap_or_else(|e| panic!("{config}: {e}"));
    let mut builder = cbindgen::Builder::new().with_config(cfg);
    for src in sources {
        let path = root.join(src);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.exists() {
            builder = builder.with_src(path);
        }
    }
    let bindings = builder.generate().unwrap_or_else(|e| panic!("cbindgen ({config}): {e}"));
    let mut text = Vec::new();
    bindings.write(&mut text);
    tidy_cfg_fields(String::from_utf8(text).expect("cbindgen writes UTF-8")).into_bytes()
}

/// cbindgen wraps each `#[cfg]`'d struct member in its own `#if`, with the member's `;` left after
/// the `#endif` (a stray empty declaration when the condition is false). Put the `;` inside and
/// merge adjacent blocks with the same condition, so RTMP_LNK's crypto tail reads as in the original.
fn tidy_cfg_fields(text: String) -> String {
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line == "#endif" && lines.get(i + 1).is_some_and(|l| l.trim() == ";") {
            if let Some(last) = out.last_mut() {
                last.push(';');
            }
            // `#endif` directly followed by the same `#if` as the one that opened this block: merge.
            let open = out.iter().rev().find(|l| l.starts_with("#if ")).cloned();
            if open.is_some() && lines.get(i + 2).map(|l| l.to_string()) == open {
                i += 3;
                continue;
            }
            out.push(line.to_string());
            i += 2;
            continue;
        }
        out.push(line.to_string());
        i += 1;
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}
