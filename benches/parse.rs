//! Parse throughput: dockopt's lossless parser against the `parse-dockerfile`
//! crate, on the same files in the same run.
//!
//! Sets: `corpus` is every Dockerfile under ../shared/corpus that both
//! parsers accept (skipped when that folder is absent); `examples` is the
//! Dockerfiles this project ships under examples/. Run with `cargo bench
//! --bench parse`; throughput is reported in bytes per second, and the
//! file count is printed so files per second can be worked out.

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Files under `dir` named like Dockerfiles.
fn dockerfiles(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            dockerfiles(&path, out);
        } else if name == "Dockerfile"
            || name.starts_with("Dockerfile.")
            || name.ends_with(".Dockerfile")
        {
            out.push(path);
        }
    }
}

/// The texts of a set that both parsers accept, so that both do the same work.
fn load(dir: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    dockerfiles(dir, &mut paths);
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|s| dockopt::syntax::parse(s).is_ok() && parse_dockerfile::parse(s).is_ok())
        .collect()
}

fn bench_set(c: &mut Criterion, name: &str, texts: &[String]) {
    if texts.is_empty() {
        eprintln!("bench {name}: no files, skipped");
        return;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!("bench {name}: {} files, {bytes} bytes", texts.len());
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("dockopt", |b| {
        b.iter(|| {
            for t in texts {
                std::hint::black_box(dockopt::syntax::parse(t).ok());
            }
        })
    });
    group.bench_function("parse-dockerfile", |b| {
        b.iter(|| {
            for t in texts {
                std::hint::black_box(parse_dockerfile::parse(t).ok());
            }
        })
    });
    group.finish();
}

fn parse_throughput(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench_set(c, "corpus", &load(&root.join("../shared/corpus")));
    bench_set(c, "examples", &load(&root.join("examples")));
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
