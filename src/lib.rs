//! dockopt: rewrites single-stage Dockerfiles into builder + slim runtime
//! stages, and shows the change as a diff a reviewer can trust.
//!
//! The data flows one way: bytes -> [`syntax`] (a lossless tree that agrees
//! with BuildKit) -> analysis -> strategy -> emit -> diff.

// pest_derive without its `std` feature names `alloc` from the crate root.
extern crate alloc;

pub mod analysis;
pub mod catalog;
pub mod classify;
pub mod config;
pub mod diff;
pub mod ecosystem;
pub mod emit;
pub mod facts;
pub mod inline;
pub mod plan;
pub mod reasons;
pub mod report;
pub mod rewrite;
pub mod strategy;
pub mod syntax;
pub mod verify;
