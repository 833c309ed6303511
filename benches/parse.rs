//! Parse throughput: dockopt's lossless parser against the `parse-dockerfile`
//! crate, on the same files in the same run.
//!
//! Sets: `corpus` is every Dockerfile under ../shared/corpus that both
//! parsers accept (skipped when that folder is absent); `examples` is the
//! Dockerfiles this project ships under examples/. Run with `cargo bench
//! --bench parse`; throughput is reported in bytes per second, and the
//! file count is printed so files per second can be worked out.

mod common;

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

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
    bench_set(c, "corpus", &common::load(&root.join("../shared/corpus")));
    bench_set(c, "examples", &common::load(&root.join("examples")));
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
